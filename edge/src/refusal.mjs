// A request refused for a reason its caller should hear (a bad field, an unknown user): an
// HTTP status and a sentence. Durable Objects answer the worker through RPC, which carries an
// error's message but not its class or fields, so their methods return refusals as values.

export class Refusal extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** What `work` returns as {value}, or the Refusal it throws as {refused: {status, message}}; other errors are thrown. */
export async function asAnswer(work) {
  try {
    return { value: await work() };
  } catch (error) {
    if (error instanceof Refusal) return { refused: { status: error.status, message: error.message } };
    throw error;
  }
}
