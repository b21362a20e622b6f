/** An error whose message is written for the user and may be shown as it is. Anything else is logged and hidden. */
export class SafeError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.name = "SafeError";
    this.status = status;
  }
}

export class NotFoundError extends SafeError {
  constructor(what = "Not found") {
    super(what, 404);
  }
}

export class ForbiddenError extends SafeError {
  constructor(message = "You do not have permission to do that") {
    super(message, 403);
  }
}

/** The message a user may see for any thrown value. */
export function publicMessage(error: unknown): string {
  if (error instanceof SafeError) return error.message;
  return "Something went wrong. The details are in the server log.";
}
