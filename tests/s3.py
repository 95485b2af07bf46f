"""S3 over HTTP for the tests: moto's standalone server on a free loopback port, and a bucket in it."""

from __future__ import annotations

import dataclasses
import uuid

import boto3
from moto.server import ThreadedMotoServer

from portfolio.settings import Settings
from tests.mailbox import free_port

CREDENTIALS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret", "region_name": "us-east-1"}


class S3Server:
    def __init__(self) -> None:
        self.port = free_port()
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "S3Server":
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def new_bucket(self) -> str:
        name = f"evidence-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", endpoint_url=self.endpoint, **CREDENTIALS).create_bucket(Bucket=name)
        return name

    def settings(self, base: Settings, bucket: str, prefix: str = "district") -> Settings:
        return dataclasses.replace(
            base,
            storage_url=f"s3://{bucket}/{prefix}",
            s3_endpoint_url=self.endpoint,
            s3_region="us-east-1",
            s3_access_key=CREDENTIALS["aws_access_key_id"],
            s3_secret_key=CREDENTIALS["aws_secret_access_key"],
        )

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, **CREDENTIALS)
