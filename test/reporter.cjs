// Mocha's spec reporter, closed by a plain "N passed, N failed, N skipped" line that CI reads.
'use strict';
const { reporters, Runner } = require('mocha');

class SpecWithTally extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = this.stats;
      process.stdout.write(`${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

module.exports = SpecWithTally;
