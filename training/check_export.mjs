// Checks the exported model the way the browser will use it: transformers.js loads
// public/models/pocket-lm, tokenizes each reference prompt with the chat template and
// generates greedily; ids must equal what PyTorch produced (training/out/reference.json).
//   node training/check_export.mjs
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';

const here = path.dirname(fileURLToPath(import.meta.url));
env.allowRemoteModels = false;
env.localModelPath = path.join(here, '..', 'public', 'models') + path.sep;

const refs = JSON.parse(readFileSync(path.join(here, 'out', 'reference.json'), 'utf8'));
const tokenizer = await AutoTokenizer.from_pretrained('pocket-lm');
const model = await AutoModelForCausalLM.from_pretrained('pocket-lm', { dtype: 'fp32' });
let failures = 0;
for (const ref of refs) {
  const ids = tokenizer.apply_chat_template([{ role: 'user', content: ref.prompt }], {
    add_generation_prompt: true, tokenize: true, return_tensor: false, return_dict: false,
  });
  const sameIds = JSON.stringify(Array.from(ids, Number)) === JSON.stringify(ref.prompt_ids);
  const input = tokenizer.apply_chat_template([{ role: 'user', content: ref.prompt }], { add_generation_prompt: true, return_dict: true });
  const out = await model.generate({ ...input, max_new_tokens: ref.greedy_ids.length + (ref.ended ? 1 : 0), do_sample: false });
  const gen = Array.from(out.tolist()[0].slice(ref.prompt_ids.length), Number).filter((t) => t !== model.config.eos_token_id);
  const sameGen = JSON.stringify(gen) === JSON.stringify(ref.greedy_ids);
  if (!sameIds || !sameGen) failures++;
  console.log(`${sameIds && sameGen ? 'ok  ' : 'FAIL'} ${JSON.stringify(ref.prompt)} -> ${JSON.stringify(tokenizer.decode(gen, { skip_special_tokens: true }))}` +
    (sameIds ? '' : ' (prompt ids differ)') + (sameGen ? '' : ` (generated ${JSON.stringify(gen.slice(0, 8))}… vs ${JSON.stringify(ref.greedy_ids.slice(0, 8))}…)`));
}
if (failures) {
  console.error(`${failures} prompt(s) differ between PyTorch and transformers.js`);
  process.exit(1);
}
console.log('transformers.js reproduces PyTorch exactly on every reference prompt');
