"""The secretariat's workspace (issue #19): a Telegram Mini App served by the bot's own aiohttp
server under WEBAPP_URL. Pages are rendered on the server in the person's language; a little
JavaScript (static/app.js) fetches them with Telegram's signed initData and submits forms as
JSON. Every request goes through the same services, and the same refusals, as the chat."""
