/**
 * The local Discord refuses what Discord refuses: these tests speak to it as a bot would
 * (raw REST calls, and a bare gateway session for interactions to be sent on), with bodies
 * Discord would refuse, and check it answers as Discord does (400 / 50035 with `errors` at
 * the field at fault, 50006, 40005, 40060) and takes what Discord takes.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startDiscordPeer, type DiscordPeer, type DiscordUser } from './peers/discord.js';
import { LIMITS } from './peers/discord-rules.js';
import { OPTION, string, sub } from './support/discord.js';

const GUILD = '1200000000000000001';
const user: DiscordUser = { id: '1500000000000000001', username: 'awa.nkolo' };

let discord: DiscordPeer;
let socket: WebSocket;

beforeAll(async () => {
  discord = await startDiscordPeer();
  socket = new WebSocket(`${discord.apiUrl.replace(/^http/, 'ws').replace(/\/api$/, '')}/?v=10&encoding=json`);
  await once(socket, 'open');
  socket.send(JSON.stringify({ op: 2, d: { token: 'test.bot.token', intents: 0, properties: {} } }));
  await discord.ready();
  const commands = [
    {
      name: 'link',
      description: 'Link your account',
      name_localizations: { fr: 'lier' },
      options: [
        {
          type: OPTION.subcommand,
          name: 'code',
          description: 'Give the code',
          options: [{ type: OPTION.string, name: 'code', description: 'The code', required: true, min_length: 8, max_length: 8 }],
        },
      ],
    },
    {
      name: 'invoices',
      description: 'List invoices',
      options: [
        { type: OPTION.integer, name: 'month', description: 'A month', min_value: 1, max_value: 12 },
        { type: OPTION.string, name: 'via', description: 'How', choices: [{ name: 'Email', value: 'email' }] },
      ],
    },
  ];
  expect((await api('PUT', `/applications/${discord.appId}/guilds/${GUILD}/commands`, commands)).status).toBe(200);
});

afterAll(async () => {
  socket?.terminate();
  await discord?.close();
});

async function api(method: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${discord.apiUrl}/v10${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: response.status === 204 ? null : await response.json() };
}

/** A multipart body, as discord.js sends files. */
async function upload(path: string, payload: unknown, bytes: number): Promise<{ status: number; json: any }> {
  const form = new FormData();
  form.append('payload_json', JSON.stringify(payload));
  form.append('files[0]', new Blob([new Uint8Array(bytes)]), 'facture.zip');
  const response = await fetch(`${discord.apiUrl}/v10${path}`, { method: 'POST', body: form });
  return { status: response.status, json: await response.json() };
}

/** An interaction sent to the bot: the bot's answers name it by its id and token. */
function interaction(): { id: string; token: string } {
  return discord.command({ user, guild: { id: GUILD }, name: 'invoices' });
}

const message = (channel: string, body: unknown) => api('POST', `/channels/${channel}/messages`, body);
const errorAt = (json: any, ...path: (string | number)[]) => path.reduce((node, key) => node?.[String(key)], json.errors)?._errors?.[0]?.code;

describe('the local Discord, as Discord', () => {
  it('refuses a message over its limits with 400 / 50035 and the field at fault, and takes one within them', async () => {
    const channel = discord.dmChannelOf(user.id);
    const long = await message(channel, { content: 'x'.repeat(LIMITS.content + 1) });
    expect(long).toMatchObject({ status: 400, json: { code: 50035, message: 'Invalid Form Body' } });
    expect(errorAt(long.json, 'content')).toBe('BASE_TYPE_MAX_LENGTH');
    // Characters, not UTF-16 units: 2,000 emoji are within the limit.
    expect((await message(channel, { content: '🧾'.repeat(LIMITS.content) })).status).toBe(200);

    const field = await message(channel, { embeds: [{ title: 'Facture', fields: [{ name: 'Échéance', value: '' }] }] });
    expect(errorAt(field.json, 'embeds', 0, 'fields', 0, 'value')).toBe('BASE_TYPE_REQUIRED');
    const total = await message(channel, { embeds: [{ description: 'x'.repeat(4096) }, { description: 'y'.repeat(2000) }] });
    expect(errorAt(total.json, 'embeds')).toBe('MAX_EMBED_SIZE_EXCEEDED');
    const title = await message(channel, { embeds: [{ title: 't'.repeat(257) }] });
    expect(errorAt(title.json, 'embeds', 0, 'title')).toBe('BASE_TYPE_MAX_LENGTH');

    const button = (id: string) => ({ type: 2, style: 1, custom_id: id, label: 'PDF' });
    const select = { type: 3, custom_id: 'pick', options: [{ label: 'n° 1210', value: '1210' }], max_values: 1 };
    const rows = await message(channel, { content: 'x', components: Array.from({ length: 6 }, (_, i) => ({ type: 1, components: [button(`b${i}`)] })) });
    expect(errorAt(rows.json, 'components')).toBe('BASE_TYPE_MAX_LENGTH');
    const crowded = await message(channel, { content: 'x', components: [{ type: 1, components: [select, button('b')] }] });
    expect(errorAt(crowded.json, 'components', 0, 'components')).toBe('COMPONENT_LAYOUT_WIDTH_EXCEEDED');
    const twice = await message(channel, { content: 'x', components: [{ type: 1, components: [button('same'), button('same')] }] });
    expect(errorAt(twice.json, 'components', 0, 'components', 1, 'custom_id')).toBe('COMPONENT_CUSTOM_ID_DUPLICATED');
    const label = await message(channel, { content: 'x', components: [{ type: 1, components: [{ ...button('b'), label: 'l'.repeat(81) }] }] });
    expect(errorAt(label.json, 'components', 0, 'components', 0, 'label')).toBe('BASE_TYPE_MAX_LENGTH');
    const values = await message(channel, { content: 'x', components: [{ type: 1, components: [{ ...select, max_values: 2 }] }] });
    expect(errorAt(values.json, 'components', 0, 'components', 0, 'max_values')).toBeDefined();

    const link = (url: string) => ({ type: 2, style: 5, label: 'Payer', url });
    const pay = 'https://paiement.hebergeur.example/p?t=';
    const longLink = await message(channel, {
      content: 'x',
      components: [{ type: 1, components: [link(pay + 'x'.repeat(LIMITS.buttonUrl - pay.length + 1))] }],
    });
    expect(errorAt(longLink.json, 'components', 0, 'components', 0, 'url')).toBe('BASE_TYPE_MAX_LENGTH');
    const script = await message(channel, { content: 'x', components: [{ type: 1, components: [link('javascript:alert(1)')] }] });
    expect(errorAt(script.json, 'components', 0, 'components', 0, 'url')).toBe('URL_TYPE_INVALID_URL');
    const withId = await message(channel, { content: 'x', components: [{ type: 1, components: [{ ...link(pay), custom_id: 'pay' }] }] });
    expect(errorAt(withId.json, 'components', 0, 'components', 0, 'custom_id')).toBe('BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED');
    const embedLink = await message(channel, { embeds: [{ title: 'Payer', url: pay + 'x'.repeat(LIMITS.embedUrl) }] });
    expect(errorAt(embedLink.json, 'embeds', 0, 'url')).toBe('BASE_TYPE_MAX_LENGTH');
    expect(
      (await message(channel, { content: 'x', components: [{ type: 1, components: [link(pay + 'x'.repeat(LIMITS.buttonUrl - pay.length))] }] })).status,
    ).toBe(200);
    expect((await message(channel, { embeds: [{ title: 'Payer', url: pay + 'x'.repeat(LIMITS.embedUrl - pay.length) }] })).status).toBe(200);

    expect(await message(channel, { content: '' })).toMatchObject({ status: 400, json: { code: 50006 } });
    const mentions = await message(channel, { content: 'x', allowed_mentions: { parse: ['everybody'] } });
    expect(errorAt(mentions.json, 'allowed_mentions', 'parse', 0)).toBe('BASE_TYPE_CHOICES');
    expect(
      (
        await message(channel, {
          content: 'x',
          embeds: [{ title: 'Facture', fields: [{ name: 'Total', value: '1 000 FCFA' }] }],
          components: [{ type: 1, components: [select] }],
        })
      ).status,
    ).toBe(200);
  });

  it('says whom a message pings, as allowed_mentions lets it', async () => {
    const channel = discord.dmChannelOf(user.id);
    const loud = await message(channel, { content: '@everyone <@1500000000000000002> <@&1400000000000000001>' });
    expect(loud.json).toMatchObject({ mention_everyone: true, mention_roles: ['1400000000000000001'] });
    expect(loud.json.mentions.map((m: { id: string }) => m.id)).toEqual(['1500000000000000002']);
    const quiet = await message(channel, { content: '@everyone <@1500000000000000002> <@&1400000000000000001>', allowed_mentions: { parse: [] } });
    expect(quiet.json).toMatchObject({ mention_everyone: false, mentions: [], mention_roles: [] });
  });

  it('refuses a file over the upload limit with 413 / 40005', async () => {
    const channel = discord.dmChannelOf(user.id);
    expect(await upload(`/channels/${channel}/messages`, { content: 'x' }, LIMITS.fileBytes + 1)).toMatchObject({ status: 413, json: { code: 40005 } });
    expect((await upload(`/channels/${channel}/messages`, { content: 'x' }, 1024)).status).toBe(200);
  });

  it('takes one answer per interaction, of a type the interaction takes: a second gets 40060', async () => {
    const { id, token } = interaction();
    const wrongType = await api('POST', `/interactions/${id}/${token}/callback`, { type: 8, data: { choices: [] } });
    expect(wrongType.status).toBe(400);
    expect(await api('PATCH', `/webhooks/${discord.appId}/${token}/messages/@original`, { content: 'trop tôt' })).toMatchObject({
      status: 404,
      json: { code: 10008 },
    });
    expect(await api('POST', `/interactions/${id}/${token}/callback`, { type: 4, data: { content: 'x'.repeat(2001) } })).toMatchObject({
      status: 400,
      json: { errors: { data: { content: {} } } },
    });
    expect((await api('POST', `/interactions/${id}/${token}/callback`, { type: 5, data: { flags: 64 } })).status).toBe(204);
    expect(await api('POST', `/interactions/${id}/${token}/callback`, { type: 5, data: { flags: 64 } })).toMatchObject({ status: 400, json: { code: 40060 } });
    expect(
      await api('PATCH', `/webhooks/${discord.appId}/${token}/messages/@original`, { embeds: [{ fields: [{ name: 'n', value: 'v'.repeat(1025) }] }] }),
    ).toMatchObject({ status: 400, json: { code: 50035 } });
    expect((await api('PATCH', `/webhooks/${discord.appId}/${token}/messages/@original`, { content: 'Voici vos factures.' })).status).toBe(200);
  });

  it('refuses commands Discord would refuse to register, and keeps what it registered', async () => {
    const base = { description: 'd', options: [] };
    const path = `/applications/${discord.appId}/commands`;
    expect(errorAt((await api('PUT', path, [{ ...base, name: 'Factures' }])).json, 0, 'name')).toBe('APPLICATION_COMMAND_INVALID_NAME');
    expect(errorAt((await api('PUT', path, [{ ...base, name: 'factures', description: 'd'.repeat(101) }])).json, 0, 'description')).toBe(
      'BASE_TYPE_BAD_LENGTH',
    );
    const order = [
      { type: OPTION.string, name: 'a', description: 'd' },
      { type: OPTION.string, name: 'b', description: 'd', required: true },
    ];
    expect(errorAt((await api('PUT', path, [{ ...base, name: 'factures', options: order }])).json, 0, 'options', 1, 'required')).toBe(
      'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
    );
    const choices = Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `c${i}` }));
    expect(
      errorAt(
        (await api('PUT', path, [{ ...base, name: 'factures', options: [{ type: OPTION.string, name: 'a', description: 'd', choices }] }])).json,
        0,
        'options',
        0,
        'choices',
      ),
    ).toBe('BASE_TYPE_MAX_LENGTH');
    // 8,000 characters of text at most, each field counted by its longest localization.
    const wordy = Array.from({ length: 25 }, (_, i) => ({
      type: OPTION.string,
      name: `o${i}`,
      description: 'd'.repeat(100),
      description_localizations: { fr: 'é'.repeat(100) },
      choices: choices.slice(0, 3).map((c) => ({ ...c, name: 'n'.repeat(100) })),
    }));
    expect(errorAt((await api('PUT', path, [{ ...base, name: 'factures', options: wordy }])).json, 0)).toBe('APPLICATION_COMMAND_TOO_LARGE');
    // Nothing was registered globally, so nothing is offered in DMs.
    expect(() => discord.command({ user, name: 'invoices' })).toThrow(/no command \/invoices is registered in DMs/);
  });

  it('sends no options the Discord client would not let a user submit', () => {
    const at = { user, guild: { id: GUILD } };
    expect(() => discord.command({ ...at, name: 'link', options: [sub('code', string('code', '1234567'))] })).toThrow(/min_length/);
    expect(() => discord.command({ ...at, name: 'link', options: [sub('code', string('code', '123456789'))] })).toThrow(/max_length/);
    expect(() => discord.command({ ...at, name: 'link', options: [sub('code')] })).toThrow(/code required/);
    expect(() => discord.command({ ...at, name: 'link', options: [] })).toThrow(/exactly one of its subcommands/);
    expect(() => discord.command({ ...at, name: 'invoices', options: [{ name: 'month', type: OPTION.integer, value: 13 }] })).toThrow(/max_value/);
    expect(() => discord.command({ ...at, name: 'invoices', options: [string('via', 'pigeon')] })).toThrow(/choices/);
    expect(() => discord.command({ ...at, name: 'invoices', options: [string('year', '2019')] })).toThrow(/no option year/);
    expect(() => discord.command({ ...at, name: 'link', options: [sub('code', string('code', '12345678'))] })).not.toThrow();
    expect(discord.shown('fr', 'link', 'code')).toBe('/lier code');
    expect(discord.shown('en-GB', 'link', 'code')).toBe('/link code');
  });
});
