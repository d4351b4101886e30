// The llm worker's code under a second script URL, which the server gives a Content-Security-Policy
// that also allows the model hosts (scripts/security-headers.mjs). The page starts it only while a
// model the user chose is being downloaded (app/bridges/llm.ts); `llm.worker` cannot reach them.
import './llm.worker';
