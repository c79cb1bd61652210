package org.stedi.lakehouse.pipelines.iceberg;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * Iceberg's file access through Beam's file systems: the same local and {@code s3://} access (with
 * its region, endpoint, credentials and path-style settings) that the pipelines use for everything
 * else, so that a lake needs no second S3 client configuration. Beam's file systems must be set up
 * first ({@code FileSystems.setDefaultPipelineOptions}), as every lake run and tool does.
 *
 * <p>Catalogs create it by name ({@code io-impl}), so it has a public no-argument constructor.
 */
public final class BeamFileIO implements FileIO {
  private static final long serialVersionUID = 1L;

  public BeamFileIO() {}

  @Override
  public InputFile newInputFile(String path) {
    return new In(path, -1);
  }

  @Override
  public InputFile newInputFile(String path, long length) {
    return new In(path, length);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return new Out(path);
  }

  @Override
  public void deleteFile(String path) {
    try {
      FileSystems.delete(List.of(resource(path)), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path + ": " + e.getMessage(), e);
    }
  }

  static ResourceId resource(String path) {
    return FileSystems.matchNewResource(path, false);
  }

  /** The file's metadata, or null when there is no such file. */
  static MatchResult.Metadata metadata(String path) throws IOException {
    MatchResult match = FileSystems.match(List.of(path), EmptyMatchTreatment.ALLOW).get(0);
    if (match.status() == MatchResult.Status.NOT_FOUND) {
      return null;
    }
    List<MatchResult.Metadata> files = match.metadata();
    return files.isEmpty() ? null : files.get(0);
  }

  private static final class In implements InputFile {
    private final String path;
    private long length;

    In(String path, long length) {
      this.path = path;
      this.length = length;
    }

    @Override
    public long getLength() {
      if (length < 0) {
        try {
          MatchResult.Metadata file = metadata(path);
          if (file == null) {
            throw new NotFoundException("no file %s", path);
          }
          length = file.sizeBytes();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the size of " + path + ": " + e.getMessage(), e);
        }
      }
      return length;
    }

    @Override
    public SeekableInputStream newStream() {
      ReadableByteChannel channel;
      try {
        channel = FileSystems.open(resource(path));
      } catch (FileNotFoundException e) {
        throw new NotFoundException(e, "no file %s", path);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open " + path + ": " + e.getMessage(), e);
      }
      if (!(channel instanceof SeekableByteChannel seekable)) {
        throw new UnsupportedOperationException("the file system of " + path + " cannot seek");
      }
      return new SeekableChannelStream(seekable);
    }

    @Override
    public String location() {
      return path;
    }

    @Override
    public boolean exists() {
      try {
        return metadata(path) != null;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot look for " + path + ": " + e.getMessage(), e);
      }
    }
  }

  private static final class Out implements OutputFile {
    private final String path;

    Out(String path) {
      this.path = path;
    }

    @Override
    public PositionOutputStream create() {
      if (toInputFile().exists()) {
        throw new AlreadyExistsException("%s exists already", path);
      }
      return createOrOverwrite();
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      try {
        return new ChannelStream(FileSystems.create(resource(path), MimeTypes.BINARY));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + path + ": " + e.getMessage(), e);
      }
    }

    @Override
    public String location() {
      return path;
    }

    @Override
    public InputFile toInputFile() {
      return new In(path, -1);
    }
  }

  private static final class SeekableChannelStream extends SeekableInputStream {
    private final SeekableByteChannel channel;
    private final InputStream in;

    SeekableChannelStream(SeekableByteChannel channel) {
      this.channel = channel;
      this.in = Channels.newInputStream(channel);
    }

    @Override
    public long getPos() throws IOException {
      return channel.position();
    }

    @Override
    public void seek(long newPos) throws IOException {
      channel.position(newPos);
    }

    @Override
    public int read() throws IOException {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return in.read(b, off, len);
    }

    @Override
    public void close() throws IOException {
      // Iceberg closes some streams twice (a writer around the stream, then the stream), and Beam's S3
      // channel would complete its multipart upload a second time.
      if (channel.isOpen()) {
        channel.close();
      }
    }
  }

  private static final class ChannelStream extends PositionOutputStream {
    private final WritableByteChannel channel;
    private final OutputStream out;
    private long position;

    ChannelStream(WritableByteChannel channel) {
      this.channel = channel;
      this.out = Channels.newOutputStream(channel);
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      position++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      position += len;
    }

    @Override
    public void close() throws IOException {
      // Iceberg closes some streams twice (a writer around the stream, then the stream), and Beam's S3
      // channel would complete its multipart upload a second time.
      if (channel.isOpen()) {
        channel.close();
      }
    }
  }
}
