import assert from 'node:assert/strict';
import { REPORT_SECTIONS } from '../../core/report/sections.js';

// The one list of each section's tables (core/report/sections.ts) that the Markdown report, the view and the
// Captures tree all follow.
describe('report sections and their tables (core/report/sections.ts)', function () {
  const listed = REPORT_SECTIONS.flatMap(({ id, parts }) =>
    parts.flatMap((part) =>
      typeof part === 'string' ? [] : [part((t) => ({ listedIn: id, id: t.id, section: t.section }))],
    ),
  );

  it('lists each table in the section it declares (its view heading and tree group are keyed by it)', function () {
    const misplaced = listed.filter(({ listedIn, section }) => section !== listedIn);
    assert.deepEqual(
      misplaced.map(({ listedIn, id, section }) => `${id} (section ${section}) listed in ${listedIn}`),
      [],
    );
  });

  it('lists each table once (its id names its view table and data-for block)', function () {
    const ids = listed.map(({ id }) => id);
    assert.deepEqual(
      ids.filter((id, index) => ids.indexOf(id) !== index),
      [],
    );
  });
});
