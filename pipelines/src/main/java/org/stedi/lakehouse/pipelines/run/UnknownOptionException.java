package org.stedi.lakehouse.pipelines.run;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An argument that names no option: {@code --bogus=1}. Its message is the product's ({@code unknown
 * option --bogus}, with Beam's suggestion of a near name when it has one), not Beam's account of the
 * options interface that lacks a property.
 */
public final class UnknownOptionException extends IllegalArgumentException {
  private static final Pattern BEAM_MESSAGE =
      Pattern.compile("missing a property named '([^']+)'\\.?(?:\\s*Did you mean (?:one of )?(.+?)\\?)?$", Pattern.DOTALL);

  private final String option;

  UnknownOptionException(String option, String suggestion, Throwable cause) {
    super("unknown option --" + option + (suggestion == null ? "" : " (did you mean " + suggestion + "?)"), cause);
    this.option = option;
  }

  /** The option's name, without the dashes. */
  public String option() {
    return option;
  }

  /** The unknown option that Beam's options parser reported, if that is what {@code e} reports. */
  static Optional<UnknownOptionException> of(IllegalArgumentException e) {
    Matcher matcher = e.getMessage() == null ? null : BEAM_MESSAGE.matcher(e.getMessage());
    if (matcher == null || !matcher.find()) {
      return Optional.empty();
    }
    String suggestion = matcher.group(2) == null ? null : dashed(matcher.group(2));
    return Optional.of(new UnknownOptionException(matcher.group(1), suggestion, e));
  }

  /** Beam's {@code 'lake'} or {@code [lake, lakeRoot]} as {@code --lake} or {@code --lake or --lakeRoot}. */
  private static String dashed(String names) {
    String bare = names.replaceAll("[\\[\\]']", "").strip();
    return "--" + String.join(" or --", bare.split("\\s*,\\s*"));
  }
}
