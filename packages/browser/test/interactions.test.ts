import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTarget } from '../src/interactions';

/** Just enough of a DOM element for describeTarget: a tag, an id, attributes and an ancestor chain. */
class FakeElement {
  constructor(
    readonly tagName: string,
    readonly id = '',
    private readonly attributes: Record<string, string> = {},
    private readonly parent?: FakeElement,
  ) {}
  getAttribute(name: string): string | null {
    return this.attributes[name] ?? null;
  }
  /** The selector describeTarget passes: a named element, or one of the interactive tags. */
  closest(_selector: string): FakeElement | null {
    const interactive = ['BUTTON', 'A', 'INPUT', 'SELECT', 'TEXTAREA', 'FORM'];
    if ('data-wideline-name' in this.attributes || interactive.includes(this.tagName)) return this;
    return this.parent?.closest(_selector) ?? null;
  }
}

describe('describeTarget', () => {
  const original = globalThis.Element;
  beforeAll(() => {
    globalThis.Element = FakeElement as unknown as typeof Element;
  });
  afterAll(() => {
    globalThis.Element = original;
  });
  const element = (...args: ConstructorParameters<typeof FakeElement>) =>
    new FakeElement(...args) as unknown as EventTarget;

  it('names the element by data-wideline-name, cut to 64 characters', () => {
    expect(describeTarget(element('BUTTON', 'buy', { 'data-wideline-name': 'checkout' }))).toBe('checkout');
    expect(describeTarget(element('DIV', '', { 'data-wideline-name': 'x'.repeat(80) }))).toBe('x'.repeat(64));
  });

  it('else by its tag and id, or its tag alone; an empty name does not count', () => {
    expect(describeTarget(element('BUTTON', 'buy'))).toBe('button#buy');
    expect(describeTarget(element('A'))).toBe('a');
    expect(describeTarget(element('FORM', '', { 'data-wideline-name': '' }))).toBe('form');
    expect(describeTarget(element('INPUT', 'i'.repeat(70)))).toBe(`input#${'i'.repeat(58)}`);
  });

  it('describes the interactive ancestor of a click inside it, and a non-element as the document', () => {
    const button = new FakeElement('BUTTON', 'buy');
    expect(describeTarget(element('SPAN', 'label', {}, button))).toBe('button#buy');
    expect(describeTarget(element('SPAN', 'alone'))).toBe('span#alone');
    expect(describeTarget(null)).toBe('document');
  });
});
