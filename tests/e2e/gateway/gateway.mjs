// E2E gateway: serves wechaty-puppet-mock over the real Wechaty gRPC protocol (plain text, no TLS)
// and exposes a small HTTP JSON control channel so tests can drive the mock world.
//
//   node gateway.mjs [PORT] [TOKEN]        (or env PORT / TOKEN; PORT 0 = pick a free port)
//   env CONTROL_PORT (default 0 = free port), BOT_ID (default "bot"), BOT_NAME, WECHATY_LOG (default "warn")
//
// Prints "CONTROL <port>" then "READY <port>" (the gRPC port) on stdout once serving.
//
// Control endpoints (JSON in, JSON out):
//   POST /contact    {id, name}                          -> {id}
//   POST /room       {id, topic, members:[ids]}          -> {id}   (id must contain "@"; the bot is added)
//   POST /say        {from, room|to, text, mentions?:[ids], image?:bool}  -> {id}  (message id)
//   POST /say-many   {from, room|to, text, count}         -> {ids}  (text gets " #<n>" appended)
//   POST /join       {room, members:[ids], inviter}       -> {ok}
//   POST /leave      {room, members:[ids], remover}       -> {ok}
//   POST /friendship {contact, name?, hello}              -> {id}   (friendship id)
//   GET  /sent       -> [{ts, room, to, text, mentions:[ids], kind}]  every message the BOT sent (kind text|image|file:
//                       a file also has bytes, an image (a PNG) its width and height, text = the file's name),
//                       friend request it accepted (kind accept), room invitation it made (kind invite) and
//                       member it removed from a room (kind remove)
//   POST /reset      -> {ok}   clears the /sent log (the mock world keeps its contacts and rooms)
//
// Install with `npm install` (it keeps package-lock.json as is). `npm ci` refuses this lock: the
// registry here has no darwin/win32 builds of @swc/core (a peer dep deep under
// wechaty-puppet-service), so npm leaves them out of the lock and then calls it out of sync.
// Benign noise on every client connect (the Python SDK calls stop() then start()):
// "ERR PuppetServiceImpl stop() eventStreamManager is not busy?" and "ServiceCtl ... wait stable".
import http from 'node:http'
import net from 'node:net'

import * as PUPPET from 'wechaty-puppet'
import { log } from 'wechaty-puppet'
import { PuppetMock, mock } from 'wechaty-puppet-mock'
import { PuppetServer } from 'wechaty-puppet-service'
import { FileBox } from 'file-box'

log.level(process.env.WECHATY_LOG || 'warn')

const freePort = () => new Promise((resolve, reject) => {
  const srv = net.createServer()
  srv.once('error', reject)
  srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)) })
})

const port = Number(process.argv[2] ?? process.env.PORT ?? 0) || await freePort()
const token = process.argv[3] ?? process.env.TOKEN ?? 'e2e-token'
const controlPort = Number(process.env.CONTROL_PORT ?? 0)
const botId = process.env.BOT_ID || 'bot'
const botName = process.env.BOT_NAME || 'StudyBot'

// ---- mock world -------------------------------------------------------------------------
const mocker = new mock.Mocker()
const botUser = mocker.createContact({ id: botId, name: botName })
// The Python client calls stop() then start() on every connect; mocker behaviours re-run on each
// start, so log the bot in here (not once at boot).
mocker.use(m => {
  if (!m.puppet.isLoggedIn) m.login(botUser)
  return () => {}
})
const puppet = new PuppetMock({ mocker })

// Record everything the bot sends. PuppetMock ignores mentionIdList and returns no message id.
const sent = []
const record = (conversationId, text, mentions, kind, extra = {}) => sent.push({
  ts: Date.now(),
  room: conversationId.includes('@') ? conversationId : null,
  to: conversationId.includes('@') ? null : conversationId,
  text,
  mentions: mentions || [],
  kind,
  ...extra,
})
const origSendText = puppet.messageSendText.bind(puppet)
puppet.messageSendText = async (conversationId, text, mentionIdList) => {
  const id = await origSendText(conversationId, text, mentionIdList)
  record(conversationId, text, mentionIdList, 'text')
  return id
}
const origSendFile = puppet.messageSendFile.bind(puppet)
// A file whose bytes are a PNG is recorded as kind 'image', with its size and the PNG's width and height.
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
puppet.messageSendFile = async (conversationId, file) => {
  const id = await origSendFile(conversationId, file)
  const bytes = await file.toBuffer()
  const png = bytes.length > 24 && bytes.subarray(0, 8).equals(PNG_MAGIC)
  record(conversationId, file.name, [], png ? 'image' : 'file', png
    ? { bytes: bytes.length, width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
    : { bytes: bytes.length })
  return id
}

// Friend acceptances and room invitations are no-ops in PuppetMock: record them (kind 'accept' / 'invite'),
// and let an invitee into a room of at most 40 members at once (a bigger group needs the invitee to accept a card).
puppet.friendshipAccept = async friendshipId => {
  const payload = friendships.get(friendshipId)
  sent.push({ ts: Date.now(), room: null, to: payload?.contactId ?? null, text: '', mentions: [], kind: 'accept' })
}
puppet.roomAdd = async (roomId, contactId) => {
  sent.push({ ts: Date.now(), room: roomId, to: contactId, text: '', mentions: [], kind: 'invite' })
  const r = room(roomId)
  const payload = await puppet.roomPayload(roomId)
  if ((payload.memberIdList || []).length < 40) r.add(contact(contactId)).by(contact(botId))
}

// Removing a member is a no-op in PuppetMock too: record it (kind 'remove') and let the member leave, removed by the bot
// (WeChat reports a removal as a room-leave event).
puppet.roomDel = async (roomId, contactId) => {
  sent.push({ ts: Date.now(), room: roomId, to: contactId, text: '', mentions: [], kind: 'remove' })
  room(roomId).remove(contact(contactId)).by(contact(botId))
}

// No friendship helper in the mock: keep payloads here and emit the event ourselves.
const friendships = new Map()
puppet.friendshipRawPayload = async id => {
  const payload = friendships.get(id)
  if (!payload) throw new Error('no friendship ' + id)
  return payload
}

const contact = id => mocker.ContactMock.load(id)
const room = id => mocker.RoomMock.load(id)

// contact.say(...).to(...) emits the puppet 'message' event synchronously: catch the new id there.
const sayAndGetId = (speak) => {
  let id
  const grab = ({ messageId }) => { id = messageId }
  puppet.on('message', grab)
  try { speak() } finally { puppet.off('message', grab) }
  return id
}

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

const say = ({ from, room: roomId, to, text, mentions = [], image = false }) => {
  const talker = contact(from)
  const conversation = roomId ? room(roomId) : contact(to ?? botId)
  const what = image ? FileBox.fromBase64(PNG_1PX, 'image.png') : text
  return sayAndGetId(() => talker.say(what, mentions.map(contact)).to(conversation))
}

let seq = 0
const routes = {
  'POST /contact': ({ id, name }) => ({ id: mocker.createContact({ id, name: name ?? id }).id }),
  'POST /room': ({ id, topic, members = [] }) => {
    if (!id || !id.includes('@')) throw new Error('room id must contain "@"')
    const memberIdList = [...new Set([botId, ...members])]
    return { id: mocker.createRoom({ id, topic: topic ?? id, memberIdList, adminIdList: [], ownerId: botId }).id }
  },
  'POST /say': body => ({ id: say(body) }),
  'POST /say-many': ({ count, text, ...body }) =>
    ({ ids: Array.from({ length: count }, (_, i) => say({ ...body, text: `${text} #${i}` })) }),
  'POST /join': ({ room: roomId, members, inviter }) => {
    room(roomId).add(...members.map(contact)).by(contact(inviter ?? botId))
    return { ok: true }
  },
  'POST /leave': ({ room: roomId, members, remover }) => {
    room(roomId).remove(...members.map(contact)).by(remover ? contact(remover) : contact(members[0]))
    return { ok: true }
  },
  'POST /friendship': ({ contact: contactId, name, hello = '' }) => {
    if (!mocker.cacheContactPayload.has(contactId)) mocker.createContact({ id: contactId, name: name ?? contactId, friend: false })
    const id = `friendship-${++seq}-${contactId}`
    friendships.set(id, {
      id,
      contactId,
      hello,
      type: PUPPET.types.Friendship.Receive,
      scene: PUPPET.types.FriendshipScene.Unknown,
      stranger: '',
      ticket: '',
      timestamp: Date.now(),
    })
    puppet.emit('friendship', { friendshipId: id })
    return { id }
  },
  'GET /sent': () => sent,
  'POST /reset': () => { sent.length = 0; return { ok: true } },
}

const control = http.createServer((req, res) => {
  let raw = ''
  req.on('data', chunk => { raw += chunk })
  req.on('end', () => {
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    const route = routes[`${req.method} ${req.url.split('?')[0]}`]
    if (!route) return reply(404, { error: `no route ${req.method} ${req.url}` })
    try {
      reply(200, route(raw ? JSON.parse(raw) : {}))
    } catch (e) {
      reply(400, { error: String(e?.message ?? e) })
    }
  })
})

// ---- serve ------------------------------------------------------------------------------
const server = new PuppetServer({ endpoint: `127.0.0.1:${port}`, puppet, token, tls: { disable: true } })
await server.start()
await new Promise(resolve => control.listen(controlPort, '127.0.0.1', resolve))
console.log(`CONTROL ${control.address().port}`)
console.log(`READY ${port}`)

const shutdown = async () => {
  control.close()
  await server.stop().catch(() => {})
  await puppet.stop().catch(() => {})
  process.exit(0)
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
