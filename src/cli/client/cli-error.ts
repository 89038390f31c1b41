// An error the client commands report in one line and exit with: the message says what to do.

import { EXIT, type ExitCode } from './exit-codes.ts';

export class CliError extends Error {
  constructor(message: string, readonly exitCode: ExitCode = EXIT.REFUSED, readonly details: string[] = []) {
    super(message);
    this.name = 'CliError';
  }
}
