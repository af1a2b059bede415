import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Swapping `import { Queue, Worker, FlowProducer } from 'bullmq'` for '@wideline/bullmq' must leave
// every type in the program unchanged: the same diagnostics (none, `@ts-expect-error` lines included,
// so ours rejects what BullMQ rejects) and the same printed type for every expression.
const dir = join(import.meta.dirname, 'types');
const corpusFile = join(dir, 'bullmq-usage.ts');
const swappedFile = join(dir, 'bullmq-usage.swapped.ts');
const SWAPPED_LINE = "import { FlowProducer, Queue, Worker } from 'bullmq'; // the line the test swaps";

function compile(files: Record<string, string>): ts.Program {
  const configPath = join(import.meta.dirname, '..', 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, join(import.meta.dirname, '..'));
  const host = ts.createCompilerHost({ ...options, strict: true, noEmit: true });
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => files[name] ?? readFile(name);
  host.fileExists = (name) => name in files || fileExists(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language) =>
    name in files ? ts.createSourceFile(name, files[name] as string, language, true) : getSourceFile(name, language);
  return ts.createProgram(Object.keys(files), { ...options, strict: true, noEmit: true }, host);
}

function diagnostics(program: ts.Program, file: string): string[] {
  const source = program.getSourceFile(file);
  return ts.getPreEmitDiagnostics(program, source).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    return `line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

/** Every expression and declared name with its printed type, in source order. */
function typesOf(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file) as ts.SourceFile;
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) return;
    if (ts.isExpression(node) || ts.isIdentifier(node)) {
      const type = checker.getTypeAtLocation(node);
      const text = node.getText(source).replace(/\s+/g, ' ').slice(0, 80);
      // `bull.` qualifies BullMQ's names where the printer would otherwise confuse ours and theirs.
      const printed = checker.typeToString(type, node, ts.TypeFormatFlags.NoTruncation).replaceAll('bull.', '');
      out.push(`${text} : ${printed}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

// Type-checking the program (BullMQ's and ioredis' declarations included) takes ~2 s on a quiet machine
// and over 5 s on a loaded one, where Vitest's default timeout failed a CI run: the first check pays it.
describe('@wideline/bullmq is a drop-in for BullMQ, types included', { timeout: 60_000 }, () => {
  const corpus = readFileSync(corpusFile, 'utf8');
  const swapped = corpus.replace(SWAPPED_LINE, "import { FlowProducer, Queue, Worker } from '@wideline/bullmq';");
  const program = compile({ [corpusFile]: corpus, [swappedFile]: swapped });

  it('swaps the import line (the corpus still has it)', () => {
    expect(corpus).toContain(SWAPPED_LINE);
    expect(swapped).not.toContain(SWAPPED_LINE);
  });

  it('compiles the same code without a diagnostic against either', () => {
    expect(diagnostics(program, corpusFile)).toEqual([]);
    expect(diagnostics(program, swappedFile)).toEqual([]);
  });

  it('gives every expression the same type', () => {
    const bull = typesOf(program, corpusFile);
    const ours = typesOf(program, swappedFile);
    expect(bull.length).toBeGreaterThan(300);
    expect(ours).toEqual(bull);
  });
});
