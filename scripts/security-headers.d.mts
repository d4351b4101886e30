export const MODEL_HOSTS: string[];
export const CONTENT_SECURITY_POLICY: string;
export const DOWNLOAD_WORKER_CONTENT_SECURITY_POLICY: string;
export const META_CONTENT_SECURITY_POLICY: string;
export function isDownloadWorkerScript(pathname: string): boolean;
export function securityHeaders(pathname: string): Record<string, string>;
export const DEV_SECURITY_HEADERS: Record<string, string>;
export const EMBED_CONTENT_SECURITY_POLICY: string;
