"""EvidenceStore: where evidence files live. LocalStore (default, under var/) or S3Store (boto3; AWS S3,
MinIO, R2). Keys are made by the app, never from user input."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlparse

from portfolio.settings import Settings

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9/_.-]*$")
CHUNK = 256 * 1024


def _check_key(key: str) -> str:
    if not KEY_RE.match(key) or ".." in key or "//" in key:
        raise ValueError("bad storage key")
    return key


def content_disposition(disposition: str, filename: str) -> str:
    """RFC 6266 with an ASCII fallback: the student's own file name, never interpreted by the browser."""
    ascii_name = re.sub(r'[^A-Za-z0-9 ._-]', "_", filename)[:100] or "evidence"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename[:200])}"


class EvidenceStore(ABC):
    #: The origin the browser fetches objects from directly (presigned URLs), for the CSP; None if the app serves all.
    origin: str | None = None

    @abstractmethod
    async def put_file(self, key: str, path: Path, content_type: str) -> None: ...

    @abstractmethod
    def stream(self, key: str) -> AsyncIterator[bytes]: ...

    @abstractmethod
    async def delete(self, key: str) -> None: ...

    @abstractmethod
    async def exists(self, key: str) -> bool: ...

    @abstractmethod
    async def objects(self, prefix: str = "") -> dict[str, datetime]:
        """Every key under prefix, with when it was last written."""

    def local_path(self, key: str) -> Path | None:
        """A file the server can send itself, where there is one."""
        return None

    async def delete_keys(self, keys) -> None:
        """Delete every non-empty key given (an evidence row's original, thumbnail and display copy)."""
        for key in keys:
            if key:
                await self.delete(key)

    async def presigned_get(self, key: str, seconds: int, filename: str, content_type: str, disposition: str) -> str | None:
        """A short-lived direct URL, where the store has them."""
        return None

    async def close(self) -> None:
        return None


class LocalStore(EvidenceStore):
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / _check_key(key)

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        target = self._path(key)

        def copy() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".part")
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)  # readers never see half a file

        await asyncio.to_thread(copy)

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        handle = await asyncio.to_thread(open, self._path(key), "rb")
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK):
                yield chunk
        finally:
            handle.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)

    async def objects(self, prefix: str = "") -> dict[str, datetime]:
        def walk() -> dict[str, datetime]:
            if not self.root.exists():
                return {}
            found = {}
            for path in self.root.rglob("*"):
                if path.is_file() and not path.name.endswith(".part"):
                    key = path.relative_to(self.root).as_posix()
                    if key.startswith(prefix):
                        found[key] = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
            return found

        return await asyncio.to_thread(walk)

    def local_path(self, key: str) -> Path | None:
        return self._path(key)


class S3Store(EvidenceStore):
    """boto3 is synchronous: one client for the process, every call in a thread."""

    def __init__(self, url: str, endpoint_url: str = "", region: str = "", access_key: str = "", secret_key: str = "") -> None:
        import boto3
        from botocore.config import Config

        parts = urlparse(url)
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/") + "/" if parts.path.strip("/") else ""
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"} if endpoint_url else {}),
        )
        if endpoint_url:
            endpoint = urlparse(endpoint_url)
            self.origin = f"{endpoint.scheme}://{endpoint.netloc}"
        else:
            self.origin = f"https://{self.bucket}.s3.{region or 'us-east-1'}.amazonaws.com"

    def _key(self, key: str) -> str:
        return self.prefix + _check_key(key)

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.upload_file, str(path), self.bucket, self._key(key), ExtraArgs={"ContentType": content_type}
        )

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        response = await asyncio.to_thread(self.client.get_object, Bucket=self.bucket, Key=self._key(key))
        body = response["Body"]
        try:
            while chunk := await asyncio.to_thread(body.read, CHUNK):
                yield chunk
        finally:
            body.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=self._key(key))

    async def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    async def objects(self, prefix: str = "") -> dict[str, datetime]:
        def listing() -> dict[str, datetime]:
            found = {}
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", []):
                    found[item["Key"][len(self.prefix):]] = item["LastModified"]
            return found

        return await asyncio.to_thread(listing)

    async def presigned_get(self, key: str, seconds: int, filename: str, content_type: str, disposition: str) -> str | None:
        return await asyncio.to_thread(
            self.client.generate_presigned_url,
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self._key(key),
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition(disposition, filename),
            },
            ExpiresIn=min(seconds, 60),
        )

    async def close(self) -> None:
        await asyncio.to_thread(self.client.close)


def make_store(settings: Settings) -> EvidenceStore:
    if settings.storage_url.startswith("s3://"):
        return S3Store(
            settings.storage_url,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
        )
    return LocalStore(settings.var_dir / "evidence")
