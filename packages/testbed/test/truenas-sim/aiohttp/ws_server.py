# The middleware's WebSocket endpoint reduced to its handshake: aiohttp's WebSocketResponse() with
# its defaults, as truenas/middleware ws_handler/base.py (25.04 ... 26) and main.py create_and_prepare_ws
# (/websocket, 24.10 ...) make it. Answers every text frame with a small JSON-RPC result. Prints its
# port, then serves until killed.
import asyncio

from aiohttp import web


async def handler(request):
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for _ in ws:
        await ws.send_str('{"jsonrpc": "2.0", "id": 1, "result": "pong"}')
    return ws


async def main():
    app = web.Application()
    app.router.add_route('GET', '/api/current', handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, '127.0.0.1', 0)
    await site.start()
    print(site._server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


asyncio.run(main())
