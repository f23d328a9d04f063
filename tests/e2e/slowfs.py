#!/usr/bin/python3
"""tests/e2e/slowfs.py MOUNTPOINT FLAG — a FUSE file system with one file, page.txt, that acts
like a network file system whose server stopped answering: while the file FLAG exists, every
stat (getattr) under MOUNTPOINT takes 4 seconds. part15_cache_test.ts serves from it, to check
that a wait for the disk holds up only the request that asked. Runs in the foreground until
MOUNTPOINT is unmounted. Debian: python3-fusepy (the module is named fusepy there)."""

import errno
import os
import stat
import sys
import time

try:
    from fusepy import FUSE, FuseOSError, Operations
except ImportError:
    from fuse import FUSE, FuseOSError, Operations

PAGE = b"a page from a slow disk\n"
STALL_SECONDS = 4


class SlowFS(Operations):
    def __init__(self, flag):
        self.flag = flag
        self.started = time.time()

    def getattr(self, path, fh=None):
        if os.path.exists(self.flag):
            time.sleep(STALL_SECONDS)
        times = {"st_mtime": self.started, "st_atime": self.started, "st_ctime": self.started}
        if path == "/":
            return {"st_mode": stat.S_IFDIR | 0o755, "st_nlink": 2, "st_ino": 1, **times}
        if path == "/page.txt":
            return {"st_mode": stat.S_IFREG | 0o644, "st_nlink": 1, "st_size": len(PAGE),
                    "st_ino": 2, **times}
        raise FuseOSError(errno.ENOENT)

    def readdir(self, path, fh):
        return [".", "..", "page.txt"]

    def open(self, path, flags):
        if path != "/page.txt":
            raise FuseOSError(errno.ENOENT)
        return 0

    def read(self, path, size, offset, fh):
        return PAGE[offset:offset + size]


if __name__ == "__main__":
    # use_ino: the inode numbers above reach stat(2), as the ETag needs a stable one.
    FUSE(SlowFS(sys.argv[2]), sys.argv[1], foreground=True, nothreads=False, use_ino=True,
         attr_timeout=0, entry_timeout=0)
