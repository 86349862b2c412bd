/** The error of a function's answer that is not a success: its status and the function's reason. */
export async function failure(response: { status: number; json(): Promise<unknown> }) {
  const body = await response.json();
  const reason = body instanceof Object && "error" in body ? body.error : undefined;
  return new Error(`HTTP ${response.status}: ${reason ?? JSON.stringify(body)}`);
}
