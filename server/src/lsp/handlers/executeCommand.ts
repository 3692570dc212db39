import { ResponseError, ErrorCodes } from 'vscode-languageserver';
import type { Feature } from '../context';
import { runSafe } from '../runSafe';
import { registerBaselineCommand } from '../baseline/command';

/**
 * `workspace/executeCommand`: one handler dispatching to the commands features registered with
 * `ctx.commands.register`; `server.ts` announces their ids in `initialize`.
 */
export const executeCommandFeature: Feature = {
  name: 'executeCommand',
  register(ctx) {
    registerBaselineCommand(ctx);
    ctx.connection.onExecuteCommand((params, token) => {
      const handler = ctx.commands.handlers.get(params.command);
      if (!handler) return new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}`);
      return runSafe(ctx.log, params.command, token, null, () => handler(params.arguments ?? [], token));
    });
  },
};
