"""/static/...: the files of portfolio/static under their hashed names (kept a year) or their plain ones
(kept a few minutes), gzip'd when the browser takes it, and 304 to a browser that has these bytes already."""

from __future__ import annotations

from pathlib import PurePath

from litestar import Controller, HttpMethod, Request, route
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response.base import ASGIResponse

from portfolio.assets import bundled
from portfolio.auth import public
from portfolio.compression import accepts_gzip


class StaticController(Controller):
    path = "/static"
    guards = [public]

    @route("/{name:path}", http_method=[HttpMethod.GET, HttpMethod.HEAD], name="static")
    async def asset(self, request: Request, name: FromPath[PurePath]) -> ASGIResponse:
        asset = bundled().find(name.as_posix().lstrip("/"))
        if asset is None:
            raise NotFoundException()
        body, etag, headers = asset.data, f'"{asset.etag}"', {"Cache-Control": asset.cache_control}
        if asset.gzipped is not None:
            headers["Vary"] = "Accept-Encoding"
            if accepts_gzip(request.headers.get("accept-encoding", "")):
                body, etag, headers["Content-Encoding"] = asset.gzipped, f'"{asset.etag}-gz"', "gzip"
        headers["ETag"] = etag
        if etag in request.headers.get("if-none-match", ""):
            return ASGIResponse(status_code=304, headers=headers)
        if request.method == HttpMethod.HEAD:  # what a GET would say of itself, without the bytes
            text = asset.media_type.startswith("text/")
            headers["Content-Type"] = f"{asset.media_type}; charset=utf-8" if text else asset.media_type
            headers["Content-Length"] = str(len(body))
            return ASGIResponse(headers=headers, is_head_response=True)
        return ASGIResponse(body=body, media_type=asset.media_type, headers=headers)
