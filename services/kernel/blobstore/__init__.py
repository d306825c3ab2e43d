"""The object store: one port (BlobStore), a local-folder and an S3 adapter, chosen by URL."""

from services.kernel.blobstore.factory import open_blob_store
from services.kernel.blobstore.port import BlobInfo, BlobNotFound, BlobStore

__all__ = ["BlobInfo", "BlobNotFound", "BlobStore", "open_blob_store"]
