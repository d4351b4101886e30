export const MODEL_HOSTS: string[];
export const CONTENT_SECURITY_POLICY: string;
export const LLM_WORKER_CONTENT_SECURITY_POLICY: string;
export const META_CONTENT_SECURITY_POLICY: string;
export function isLlmWorkerScript(pathname: string): boolean;
export function securityHeaders(pathname: string): Record<string, string>;
export const DEV_SECURITY_HEADERS: Record<string, string>;
