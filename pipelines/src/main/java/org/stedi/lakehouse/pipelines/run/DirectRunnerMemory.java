package org.stedi.lakehouse.pipelines.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.stedi.lakehouse.model.HiddenNames;
import org.stedi.lakehouse.model.Source;

/**
 * Whether a lake fits the DirectRunner, which holds every collection of a run in memory: an estimate
 * from the size of the landing data, made before the run, so that a lake too big for the heap stops
 * with one line instead of failing after minutes with an {@code OutOfMemoryError}.
 *
 * <p>The estimate is {@link #HEAP_PER_LANDING_BYTE} bytes of heap per byte of landing JSON (gzip
 * files counted at their uncompressed size, from the size their trailer records), measured on
 * generated lakes: see the README, "Runners".
 */
public final class DirectRunnerMemory {
  /**
   * Heap the DirectRunner's lakehouse needs per byte of landing JSON, with a margin: measured runs
   * needed about 10 (a scale-10 lake of 115 MB finished in a 1.2 GB heap).
   */
  public static final long HEAP_PER_LANDING_BYTE = 12;

  private DirectRunnerMemory() {}

  /** The landing bytes of the given sources, gzip files at their uncompressed size. */
  public static long landingBytes(Lake lake, List<Source> sources) {
    long bytes = 0;
    for (Source source : sources) {
      String folder = lake.landing(source);
      try {
        MatchResult match = FileSystems.match(folder + "/**", EmptyMatchTreatment.ALLOW);
        for (MatchResult.Metadata file : match.metadata()) {
          String name = file.resourceId().toString();
          if (HiddenNames.isVisible(folder, name)) {
            bytes += name.endsWith(".gz") ? uncompressedSize(file) : file.sizeBytes();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
      }
    }
    return bytes;
  }

  /**
   * Why the lake cannot run on the DirectRunner with this heap, in one line, or empty when it fits.
   */
  public static Optional<String> refusal(Lake lake, String job, long landingBytes, long maxHeap) {
    long needed = landingBytes * HEAP_PER_LANDING_BYTE;
    if (needed <= maxHeap) {
      return Optional.empty();
    }
    return Optional.of(
        job + ": the lake " + lake + " holds " + size(landingBytes) + " of landing data, which needs about "
            + size(needed) + " of heap on the DirectRunner (it keeps every collection in memory) and this JVM has "
            + size(maxHeap) + "; run it with --runner=SparkRunner or --runner=FlinkRunner, give the JVM more heap "
            + "(STEDI_JAVA_OPTS=-Xmx...), or try anyway with --directRunnerMemoryCheck=false");
  }

  /** The most a landing gzip file is taken to expand. */
  private static final long MAX_RATIO = 20;

  /**
   * A gzip file's uncompressed size from its trailer (the size of its last member, modulo 4 GiB),
   * between its compressed size and {@link #MAX_RATIO} times that.
   */
  private static long uncompressedSize(MatchResult.Metadata file) throws IOException {
    long compressed = file.sizeBytes();
    if (compressed < 18) {
      return compressed;
    }
    try (ReadableByteChannel channel = FileSystems.open(file.resourceId())) {
      if (!(channel instanceof SeekableByteChannel seekable)) {
        return compressed;
      }
      seekable.position(compressed - 4);
      ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      while (trailer.hasRemaining() && seekable.read(trailer) >= 0) {
        // reads the last four bytes
      }
      trailer.flip();
      long recorded = trailer.remaining() == 4 ? Integer.toUnsignedLong(trailer.getInt()) : 0;
      // A damaged file's trailer can claim anything: JSON lines rarely compress beyond 20 to 1.
      return Math.max(compressed, Math.min(recorded, MAX_RATIO * compressed));
    }
  }

  static String size(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format("%.1f GB", bytes / (double) (1L << 30));
    }
    return String.format("%d MB", Math.max(1, bytes >> 20));
  }
}
