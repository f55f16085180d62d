/** What the composition root (`app.ts`) and `facteur discord register` use of the Discord channel, loaded only where Discord is configured. */
export { DiscordChannel } from './channel.js';
export { CommandNames } from './commands.js';
export { DiscordConnection } from './connection.js';
export { registerCommands } from './register.js';
export { StaffCommands } from './staff.js';
