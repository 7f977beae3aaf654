import schema from '../schema/report.schema.json' with { type: 'json' };

/**
 * The values an enum of the report schema allows, read from the schema itself: the dataset's documentation lists
 * a column's values from here, so a value added to the report (call-setup, quality…) is documented with it.
 */

interface SchemaNode {
  enum?: readonly string[];
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

const DEFINITIONS = schema.definitions as unknown as Record<string, SchemaNode>;

function resolved(node: SchemaNode): SchemaNode {
  return node.$ref ? resolved(DEFINITIONS[node.$ref.replace('#/definitions/', '')]!) : node;
}

/** The enum at `definition`, then down its properties (a list's items on the way): reportEnum('Finding', 'section'). */
export function reportEnum(definition: string, ...path: string[]): readonly string[] {
  let node = resolved(DEFINITIONS[definition]!);
  for (const property of path) {
    node = resolved(node.properties![property]!);
    if (node.items) node = resolved(node.items);
  }
  if (!node.enum) throw new Error(`report schema ${[definition, ...path].join('.')} is not an enum`);
  return node.enum;
}
