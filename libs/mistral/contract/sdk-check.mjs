// Drives the fake Mistral server with the official SDK (@mistralai/mistralai, ESM-only), as an
// independent client: if the SDK can list models, chat, stream and moderate against it, the fake
// speaks Mistral's protocol, not just ours. Usage: MISTRAL_FAKE_URL=… MISTRAL_FAKE_KEY=… node sdk-check.mjs
import { Mistral } from '@mistralai/mistralai';

const client = new Mistral({ apiKey: process.env.MISTRAL_FAKE_KEY, serverURL: process.env.MISTRAL_FAKE_URL });
const out = {};

const models = await client.models.list();
out.models = models.data.map((m) => m.id);

const chat = await client.chat.complete({
  model: 'mistral-small-latest',
  messages: [{ role: 'user', content: 'hello from the sdk' }],
  temperature: 0.2,
});
out.chat = { content: chat.choices[0].message.content, finishReason: chat.choices[0].finishReason, totalTokens: chat.usage.totalTokens };

const stream = await client.chat.stream({ model: 'mistral-small-latest', messages: [{ role: 'user', content: 'stream this please' }] });
let text = '';
let usage = null;
for await (const event of stream) {
  text += event.data.choices[0]?.delta.content ?? '';
  if (event.data.usage) usage = event.data.usage.totalTokens;
}
out.stream = { text, usage };

const moderation = await client.classifiers.moderate({ model: 'mistral-moderation-2603', inputs: ['I will kill you', 'nice day'] });
out.moderation = moderation.results.map((r) => r.categories.violence_and_threats);

try {
  await client.chat.complete({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] });
  out.error = 'none';
} catch (error) {
  out.error = { name: error.constructor.name, statusCode: error.statusCode };
}

console.log(JSON.stringify(out));
