/**
 * The fields of what the contract returns and streams, read from its TypeScript types with the
 * compiler (`ProcedureOutputs` and `InspectorEvent` are types only: nothing of them exists at run
 * time). docs/api.md is checked against these, as its inputs are checked against the zod schemas.
 */
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

/** A type's fields, each with its own fields when its value is an object (through null, arrays and unions). */
export type FieldTree = Map<string, FieldTree | null>

const CONTRACT_FILE = fileURLToPath(new URL('../shared/contract.ts', import.meta.url))
/** How deep nested fields are read: the reference lists at most two levels. */
const MAX_DEPTH = 3

function loadContract(): { checker: ts.TypeChecker; source: ts.SourceFile } {
  const program = ts.createProgram([CONTRACT_FILE], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noEmit: true,
    skipLibCheck: true,
  })
  const source = program.getSourceFile(CONTRACT_FILE)
  if (source === undefined) throw new Error(`cannot read ${CONTRACT_FILE}`)
  return { checker: program.getTypeChecker(), source }
}

/** The object types a value can be: arrays give their elements, unions and intersections their members; null and primitives none. */
function objectTypesOf(checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
  if (type.isUnion()) return type.types.flatMap((member) => objectTypesOf(checker, member))
  if (checker.isArrayType(type)) return checker.getTypeArguments(type as ts.TypeReference).flatMap((element) => objectTypesOf(checker, element))
  if ((type.flags & ts.TypeFlags.Object) === 0 && !type.isIntersection()) return []
  return [type]
}

function fieldsOf(checker: ts.TypeChecker, types: ts.Type[], location: ts.Node, depth: number): FieldTree | null {
  const properties = types.flatMap((type) => type.getProperties())
  if (properties.length === 0) return null
  const fields: FieldTree = new Map()
  for (const property of properties) {
    if (fields.has(property.name)) continue
    const value = checker.getTypeOfSymbolAtLocation(property, location)
    // Only what a caller reads as an object: a string's or a function's own properties are not fields.
    const nested =
      depth < MAX_DEPTH ? objectTypesOf(checker, value).filter((type) => checker.getSignaturesOfType(type, ts.SignatureKind.Call).length === 0) : []
    fields.set(property.name, nested.length === 0 ? null : fieldsOf(checker, nested, location, depth + 1))
  }
  return fields
}

export interface ContractTypeFields {
  /** Each procedure's output: the fields, and the name the contract gives its type (`Endpoint[]`, `{ total: number }`). */
  outputs: Map<string, { typeText: string; fields: FieldTree | null }>
  /** Each event type's fields, `type` aside. */
  events: Map<string, FieldTree>
}

export function readContractTypeFields(): ContractTypeFields {
  const { checker, source } = loadContract()
  const outputs: ContractTypeFields['outputs'] = new Map()
  const events: ContractTypeFields['events'] = new Map()
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement) && statement.name.text === 'ProcedureOutputs') {
      for (const member of statement.members) {
        if (!ts.isPropertySignature(member) || member.type === undefined) continue
        const type = checker.getTypeAtLocation(member)
        outputs.set(member.name.getText(source), { typeText: member.type.getText(source), fields: fieldsOf(checker, objectTypesOf(checker, type), member, 1) })
      }
    }
    if (ts.isTypeAliasDeclaration(statement) && statement.name.text === 'InspectorEvent') {
      const union = checker.getTypeAtLocation(statement)
      for (const member of union.isUnion() ? union.types : [union]) {
        const typeSymbol = member.getProperty('type')
        const literal = typeSymbol === undefined ? undefined : checker.getTypeOfSymbolAtLocation(typeSymbol, statement)
        if (literal === undefined || !literal.isStringLiteral()) continue
        const fields: FieldTree = fieldsOf(checker, [member], statement, 1) ?? new Map<string, FieldTree | null>()
        fields.delete('type')
        events.set(literal.value, fields)
      }
    }
  }
  return { outputs, events }
}
