import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

const options: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: ['node'],
}

// Parsed files (the libs, Vitest's and Node's declarations) are shared between the three
// programs, as an editor's language service does, so each check costs its type-checking only.
const host = ts.createCompilerHost(options)
const parsed = new Map<string, ts.SourceFile | undefined>()
const readSourceFile = host.getSourceFile.bind(host)
host.getSourceFile = (fileName, version, onError, create) => {
  if (!parsed.has(fileName))
    parsed.set(fileName, readSourceFile(fileName, version, onError, create))
  return parsed.get(fileName)
}

/** Type-checks one file the way a consumer's strict `tsc --noEmit` would. */
function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], options, host)
  return ts
    .getPreEmitDiagnostics(program)
    .filter(d => d.file?.fileName === file)
    .map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
}

describe('matcher types', () => {
  it('come with the root entry: toMeetP95(25) compiles, toMeetP95("25") does not', () => {
    // Every `@ts-expect-error` line in the fixture must really be an error, or tsc reports it.
    expect(typeErrors(fixture('root-entry-types.ts'))).toEqual([])
  })

  it('come with the matchers setup entry', () => {
    expect(typeErrors(fixture('setup-entry-types.ts'))).toEqual([])
  })

  it('are absent without either entry', () => {
    expect(typeErrors(fixture('no-entry-types.ts'))).toEqual([
      expect.stringContaining("Property 'toMeetP95' does not exist"),
    ])
  })
})
