package org.stedi.lakehouse.landing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Marks the I/O errors of the file system underneath a decompressor, so that a reader can tell a
 * storage failure (to be retried by the runner) from damaged compressed data (to be quarantined).
 */
final class StorageInputStream extends FilterInputStream {

  /** An I/O error raised by the underlying file system. */
  static final class StorageException extends IOException {
    private static final long serialVersionUID = 1L;

    StorageException(IOException cause) {
      super(cause.getMessage(), cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  StorageInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    try {
      return super.read();
    } catch (IOException e) {
      throw new StorageException(e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      return super.read(b, off, len);
    } catch (IOException e) {
      throw new StorageException(e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      return super.skip(n);
    } catch (IOException e) {
      throw new StorageException(e);
    }
  }
}
