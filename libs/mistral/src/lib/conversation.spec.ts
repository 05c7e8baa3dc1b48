import { Conversation } from './conversation';

describe('Conversation', () => {
  const fixed = () => 10; // every message costs 10 tokens

  it('keeps the system prompt and the newest turns that fit the budget', () => {
    const c = new Conversation('You are a moderator.', fixed).add(
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'two' },
      { role: 'user', content: 'three' },
      { role: 'assistant', content: 'four' },
    );
    expect(c.trimmed(30).map((m) => m.content)).toStrictEqual([
      'You are a moderator.',
      'three',
      'four',
    ]);
    expect(c.trimmed(1000)).toHaveLength(5);
  });

  it('drops a tool call together with its results', () => {
    const c = new Conversation(null, fixed).add(
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'a', function: { name: 't', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'a', content: 'r1' },
      { role: 'tool', tool_call_id: 'a', content: 'r2' },
      { role: 'assistant', content: 'answer' },
    );
    expect(c.trimmed(35).map((m) => m.role)).toStrictEqual(['assistant']);
    expect(c.trimmed(40).map((m) => m.role)).toStrictEqual([
      'assistant',
      'tool',
      'tool',
      'assistant',
    ]);
  });

  it('round-trips through JSON', () => {
    const c = new Conversation('sys').add({ role: 'user', content: 'hi' });
    const copy = Conversation.fromJSON(JSON.parse(JSON.stringify(c)));
    expect(copy.messages).toStrictEqual(c.messages);
  });
});
