package org.stedi.lakehouse.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.stedi.lakehouse.pipelines.LakeOptions;
import org.stedi.lakehouse.pipelines.run.UnknownOptionException;

/**
 * Every option that the README's options table and {@code stedi lakehouse --help} document is one
 * that the command line takes: each goes through the parser of a job command ({@link
 * RunJobCommand#parse}, Beam's), and nothing runs.
 *
 * <p>The README's options tables are its tables whose first column is headed {@code option}; a row
 * gives its option as {@code `--name`} (or {@code `--name=value`}) and its value in backticks in the
 * column headed {@code default} or {@code example}. The README is read from the property {@code
 * stedi.readme} (the pom sets it), else from the repository root seen from this module.
 */
class DocumentedOptionsTest {
  private static final Pattern OPTION_CELL = Pattern.compile("`--([A-Za-z][A-Za-z0-9]*)(?:=([^`]*))?`");
  private static final Pattern CODE = Pattern.compile("`([^`]*)`");
  /** An option line of Beam's help: two spaces, then {@code --name=<Type>}. */
  private static final Pattern HELP_OPTION = Pattern.compile("^  --([A-Za-z][A-Za-z0-9]*)=<([^>]+)>\\s*$");

  @Test
  void everyOptionOfTheReadmesTableParsesWithItsDocumentedValue() {
    Map<String, String> documented = readmeOptions();
    System.out.println("README options: " + documented);

    assertTrue(documented.containsKey("lake") && documented.containsKey("elementsPerBucket"), "README options: " + documented);
    List<String> refused = new ArrayList<>();
    for (Map.Entry<String, String> option : documented.entrySet()) {
      String arg = "--" + option.getKey() + "=" + option.getValue();
      try {
        RunJobCommand.parse(arg);
      } catch (IllegalArgumentException e) {
        refused.add(arg + ": " + e.getMessage());
      }
    }
    assertEquals(List.of(), refused, "README options the command line refuses");
    RunJobCommand.parse(documented.entrySet().stream().map(o -> "--" + o.getKey() + "=" + o.getValue()).toArray(String[]::new));
  }

  @Test
  void theReadmesDefaultsAreTheDefaultsOfTheParsedOptions() throws Exception {
    LakeOptions defaults = RunJobCommand.parse();
    for (Map.Entry<String, String> option : readmeDefaults().entrySet()) {
      Method getter = getter(option.getKey());
      assertEquals(
          option.getValue(), String.valueOf(getter.invoke(defaults)), "the README's default of --" + option.getKey());
    }
  }

  @Test
  void everyOptionThatLakehouseHelpListsIsKnownToTheParser() {
    Map<String, String> listed = helpOptions();
    System.out.println("lakehouse --help options: " + listed);

    for (String option : List.of("lake", "runner", "elementsPerBucket", "filesPerPartition", "awsRegion", "endpoint")) {
      assertTrue(listed.containsKey(option), "lakehouse --help does not list --" + option + ": " + listed);
    }
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, String> option : listed.entrySet()) {
      String arg = "--" + option.getKey() + "=" + valueFor(option.getValue());
      try {
        RunJobCommand.parse(arg);
      } catch (UnknownOptionException e) {
        unknown.add(arg + ": " + e.getMessage());
      } catch (RuntimeException e) {
        // Beam checks some values beyond their type (a runner's or a class's name, JSON): that is not an unknown option.
      }
    }
    assertEquals(List.of(), unknown, "options that lakehouse --help lists but the parser does not know");
  }

  @Test
  void everyOptionOfTheReadmesTableIsListedByLakehouseHelp() {
    Map<String, String> listed = helpOptions();
    for (String option : readmeOptions().keySet()) {
      assertTrue(listed.containsKey(option), "lakehouse --help does not list the README's --" + option);
    }
  }

  @Test
  void elementsPerBucketParses() {
    assertEquals(1000, RunJobCommand.parse("--elementsPerBucket=1000").getElementsPerBucket());
  }

  /** A value of Beam's help's type: {@code true}, {@code 1}, an enum's first constant, else {@code x}. */
  private static String valueFor(String type) {
    return switch (type) {
      case "boolean", "Boolean" -> "true";
      case "int", "Integer", "long", "Long", "short", "Short", "double", "Double", "float", "Float" -> "1";
      default -> type.contains("|") ? type.substring(0, type.indexOf('|')).strip() : "x";
    };
  }

  /** The options of {@code stedi lakehouse --help}, by name, with the type it gives each. */
  private static Map<String, String> helpOptions() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = new StediCommand(o, e).run("lakehouse", "--help");
    }
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    Map<String, String> options = new LinkedHashMap<>();
    for (String line : out.toString(StandardCharsets.UTF_8).lines().toList()) {
      Matcher matcher = HELP_OPTION.matcher(line);
      if (matcher.matches()) {
        options.put(matcher.group(1), matcher.group(2));
      }
    }
    return options;
  }

  /** The options of the README's options tables, by name, with their documented values. */
  private static Map<String, String> readmeOptions() {
    return readmeTables(false);
  }

  /** The options of the README's options tables whose value column is headed {@code default}. */
  private static Map<String, String> readmeDefaults() {
    return readmeTables(true);
  }

  private static Map<String, String> readmeTables(boolean defaultsOnly) {
    Path readme = Path.of(System.getProperty("stedi.readme", "../../README.md"));
    List<String> lines;
    try {
      lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot read the README at " + readme.toAbsolutePath(), e);
    }
    Map<String, String> options = new LinkedHashMap<>();
    List<String> header = null;
    boolean found = false;
    for (String line : lines) {
      if (!line.strip().startsWith("|")) {
        header = null;
        continue;
      }
      List<String> cells = cells(line);
      if (header == null) {
        header = cells.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
        continue;
      }
      if (!header.get(0).equals("option") || cells.get(0).matches("[-: ]*")) {
        continue;
      }
      found = true;
      int valueColumn = valueColumn(header);
      Matcher option = OPTION_CELL.matcher(cells.get(0));
      if (!option.find()) {
        fail("a row of the README's options table names no `--option`: " + line);
      }
      String value = option.group(2);
      if (value == null && valueColumn >= 0 && valueColumn < cells.size()) {
        Matcher code = CODE.matcher(cells.get(valueColumn));
        value = code.find() ? code.group(1) : null;
      }
      if (value == null) {
        fail("the README documents --" + option.group(1) + " without a value in backticks: " + line);
      }
      if (!defaultsOnly || (valueColumn >= 0 && header.get(valueColumn).equals("default") && option.group(2) == null)) {
        options.put(option.group(1), value);
      }
    }
    assertTrue(found, "no options table (a table whose first column is headed 'option') in " + readme.toAbsolutePath());
    return options;
  }

  /** The column headed {@code default} or {@code example}, -1 when there is none. */
  private static int valueColumn(List<String> header) {
    for (int i = 1; i < header.size(); i++) {
      if (header.get(i).equals("default") || header.get(i).contains("example")) {
        return i;
      }
    }
    return -1;
  }

  /** The cells of a Markdown table row, stripped; an escaped {@code \|} stays in its cell. */
  private static List<String> cells(String row) {
    String body = row.strip();
    body = body.substring(1, body.endsWith("|") && !body.endsWith("\\|") ? body.length() - 1 : body.length());
    return List.of(body.split("(?<!\\\\)\\|", -1)).stream().map(String::strip).toList();
  }

  private static Method getter(String option) {
    String property = Character.toUpperCase(option.charAt(0)) + option.substring(1);
    for (String prefix : List.of("get", "is")) {
      try {
        return LakeOptions.class.getMethod(prefix + property);
      } catch (NoSuchMethodException e) {
        // try the next prefix
      }
    }
    throw new AssertionError("the README gives a default of --" + option + ", which LakeOptions does not have");
  }
}
