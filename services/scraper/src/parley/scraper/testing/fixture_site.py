"""A small business website for the website source: a home page linking to a contact page
(tel:, mailto: and wa.me links), an about page, and an /impressum that robots.txt disallows;
robots.txt also asks for a Crawl-delay. Every request is recorded, so a test can check that a
disallowed page was never requested and how requests were spaced.
"""

from __future__ import annotations

import argparse
import asyncio

from aiohttp import web

from parley.scraper.testing.server import Handler, LocalServer, serve_forever

HOME = """<!doctype html><html><head><title>Padaria Estrela</title>
<meta property="og:site_name" content="Padaria Estrela"></head><body>
<h1>Padaria Estrela</h1><p>Pão e bolos desde 1952.</p>
<nav><a href="/contacto">Contacto</a> <a href="/about">Sobre nós</a>
<a href="/impressum">Impressum</a> <a href="https://elsewhere.example/contact">Partners</a></nav>
</body></html>"""

CONTACT = """<!doctype html><html><head><title>Contacto - Padaria Estrela</title></head><body>
<p>Ligue <a href="tel:+351213456780">21 345 6780</a> ou escreva para
<a href="mailto:encomendas@estrela.example.pt">encomendas@estrela.example.pt</a>.</p>
<p><a href="https://wa.me/351912000111">Fale connosco no WhatsApp</a></p>
</body></html>"""

ABOUT = """<!doctype html><html><body><p>Somos uma padaria de bairro. Telefone: 21 345 6781</p>
</body></html>"""

IMPRESSUM = "<html><body><p>Private: +351 21 999 9999</p></body></html>"


class FixtureSite(LocalServer):
    def __init__(self, crawl_delay: float = 0.2, robots_status: int = 200) -> None:
        super().__init__()
        self.crawl_delay = crawl_delay
        self.robots_status = robots_status

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/robots.txt", self._robots)
        for path, html in (
            ("/", HOME),
            ("/contacto", CONTACT),
            ("/about", ABOUT),
            ("/impressum", IMPRESSUM),
        ):
            app.router.add_get(path, self._page(html))

    def _page(self, html: str) -> Handler:
        async def page(_: web.Request) -> web.Response:
            return web.Response(text=html, content_type="text/html")

        return page

    async def _robots(self, _: web.Request) -> web.Response:
        if self.robots_status != 200:
            return web.Response(status=self.robots_status)
        text = (
            "User-agent: *\n"
            "Disallow: /impressum\n"
            f"Crawl-delay: {self.crawl_delay:g}\n"
            "\n"
            "User-agent: BadBot\n"
            "Disallow: /\n"
        )
        return web.Response(text=text, content_type="text/plain")


def main() -> None:
    parser = argparse.ArgumentParser(description="fixture business website")
    parser.add_argument("--port", type=int, default=12123)
    args = parser.parse_args()
    site = FixtureSite()
    site.port = args.port
    asyncio.run(serve_forever(site, "fixture website on {url}"))


if __name__ == "__main__":
    main()
