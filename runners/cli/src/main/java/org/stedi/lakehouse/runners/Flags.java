package org.stedi.lakehouse.runners;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code --name=value} (or bare {@code --name}) flags of the tool commands. */
final class Flags {
  private final Map<String, String> values;

  private Flags(Map<String, String> values) {
    this.values = values;
  }

  static Flags parse(String[] args, String... known) {
    Set<String> names = Set.of(known);
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h")) {
        arg = "--help";
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String body = arg.substring(2);
      int equals = body.indexOf('=');
      String name = equals < 0 ? body : body.substring(0, equals);
      String value;
      if (equals >= 0) {
        value = body.substring(equals + 1);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--") && !List.of("help", "all-defects").contains(name)) {
        value = args[++i];
      } else {
        value = "true";
      }
      if (!names.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "; options: --" + String.join(", --", known));
      }
      values.put(name, value);
    }
    return new Flags(values);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String value(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  String required(String name, String what) {
    String value = values.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + name + " is required: " + what);
    }
    return value;
  }

  int intValue(String name, int fallback) {
    String value = values.get(name);
    try {
      return value == null ? fallback : Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " takes a whole number, not '" + value + "'");
    }
  }

  long longValue(String name, long fallback) {
    String value = values.get(name);
    try {
      return value == null ? fallback : Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " takes a whole number, not '" + value + "'");
    }
  }

  double doubleValue(String name, double fallback) {
    String value = values.get(name);
    try {
      return value == null ? fallback : Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " takes a number, not '" + value + "'");
    }
  }
}
