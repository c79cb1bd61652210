package org.stedi.lakehouse.runners;

import java.io.PrintStream;
import java.nio.file.Path;
import org.stedi.lakehouse.generator.ExpectedCounts;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.run.LakeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stedi generate}: deterministic sample landing data in a local folder, and the expected
 * row count of every table in its {@code _expected.json}. It refuses a folder whose landing folders
 * already hold files, and then writes nothing.
 */
@Command(
    name = "stedi generate",
    description =
        "Writes deterministic sample landing data into DIR, and the expected row count of every table into "
            + "DIR/_expected.json. A lake whose landing folders hold files is refused.")
final class GenerateCommand {
  @Option(names = "--lake", paramLabel = "DIR", required = true, description = "the folder to generate into")
  private String lake;

  @Option(
      names = "--scale",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "size, "
              + LakeGenerator.MIN_SCALE
              + " to "
              + LakeGenerator.MAX_SCALE
              + ": scale 1 is about 110,000 lines (default: ${DEFAULT-VALUE})")
  private double scale;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "" + SampleData.SEED,
      description = "the seed of every random choice: the same seed and settings write the same files (default: ${DEFAULT-VALUE})")
  private long seed;

  @Option(
      names = "--all-defects",
      description = "the real data's defects: 30 shared serial numbers, 1%% malformed lines, 2%% duplicate lines (the options below change them)")
  private boolean allDefects;

  @Option(
      names = "--serial-bug",
      paramLabel = "K",
      description = "the serial-number bug: every customer record's serial number is one of K shared values (0: off)")
  private Integer serialBug;

  @Option(names = "--malformed-rate", paramLabel = "R", description = "malformed lines added per good line of each landing source, 0 to 1")
  private Double malformedRate;

  @Option(names = "--duplicate-rate", paramLabel = "R", description = "the fraction of good lines written twice, 0 to 1")
  private Double duplicateRate;

  @Mixin private ToolCommandLine.HelpOption help;

  private final PrintStream out;

  GenerateCommand(PrintStream out) {
    this.out = out;
  }

  /**
   * Generates the lake that {@code args} describe and returns the exit status, 0; a failure throws.
   *
   * @throws picocli.CommandLine.ParameterException when an argument is unknown, missing or wrong
   * @throws IllegalArgumentException when a setting is out of range
   * @throws LakeException when a landing folder already holds files
   */
  int run(String... args) {
    if (ToolCommandLine.parse(this, out, args)) {
      return 0;
    }
    LakeGenerator.Builder builder =
        allDefects ? LakeGenerator.withAllDefects(scale, seed).toBuilder() : LakeGenerator.builder().scale(scale).seed(seed);
    if (serialBug != null) {
      builder.serialNumberBug(serialBug);
    }
    if (malformedRate != null) {
      builder.malformedRate(malformedRate);
    }
    if (duplicateRate != null) {
      builder.duplicateRate(duplicateRate);
    }
    LakeGenerator generator = builder.build();
    Path root = Lake.of(lake).localRoot();
    ExpectedCounts expected;
    try {
      expected = generator.generate(root);
    } catch (IllegalStateException e) {
      throw new LakeException(e.getMessage(), e);
    }
    String scaleName = scale == Math.rint(scale) ? String.valueOf((long) scale) : String.valueOf(scale);
    out.println("Generated scale-" + scaleName + " sample data (seed " + seed + ") in " + root + "; expected rows:");
    out.println(expected.describe());
    return 0;
  }
}
