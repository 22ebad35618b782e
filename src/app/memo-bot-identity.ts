import type { Probot } from "probot";
import { getBotIdentity } from "../github/api/get-bot-identity.js";

/**
 * The app's bot identity, asked of GitHub once per process (a failed lookup is asked again next
 * time). Any installation can answer: the bot is the app's, not the installation's.
 */
export function memoBotIdentity(probot: Probot): (installationId: number) => Promise<{ name: string; email: string }> {
  let bot: Promise<{ name: string; email: string }> | null = null;
  return (installationId) => {
    bot ??= Promise.all([probot.auth(), probot.auth(installationId)]).then(([appClient, client]) =>
      getBotIdentity({ appClient, client }),
    );
    bot.catch(() => (bot = null));
    return bot;
  };
}
