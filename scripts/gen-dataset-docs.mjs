// Writes docs/dataset.md from the dataset's table definitions (run after npm run build): the one source of the
// Parquet columns, their documentation, the external-table statements and the ECS index template.
import { writeFile } from 'node:fs/promises';
import { renderSchemaDoc } from '../out/core/dataset/schema-doc.js';

await writeFile(new URL('../docs/dataset.md', import.meta.url), renderSchemaDoc());
