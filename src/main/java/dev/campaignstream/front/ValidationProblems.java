package dev.campaignstream.front;

import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the contract validator's exceptions into 400 problems that name the parameter and rule. */
final class ValidationProblems {

  /** The validator names the parameter only in its message ("... query parameter prompt ..."). */
  private static final Pattern PARAMETER = Pattern.compile("(query|path|header|cookie) parameter (\\S+?)(?:[\\s.]|$)");
  private static final Pattern NUMBERS = Pattern.compile("\\((\\d+) [<>] (\\d+)\\)");

  private ValidationProblems() {
  }

  static Problem from(ValidatorException e) {
    Matcher matcher = PARAMETER.matcher(String.valueOf(e.getMessage()));
    if (!matcher.find()) {
      return Problem.of(400, String.valueOf(e.getMessage()));
    }
    String location = Character.toUpperCase(matcher.group(1).charAt(0)) + matcher.group(1).substring(1);
    String name = matcher.group(2);
    String subject = location + " parameter '" + name + "'";
    if (e.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER) {
      return new Problem(400, subject + " is required", name, "required", null);
    }
    if (e instanceof SchemaValidationException schema && schema.getOutputUnit() != null) {
      OutputUnit unit = mostRelevant(schema.getOutputUnit());
      String keyword = lastSegment(unit.getKeywordLocation());
      return new Problem(400, subject + " " + explain(keyword, unit.getError()), name, keyword, null);
    }
    return new Problem(400, subject + " is invalid: " + e.getMessage(), name, "format", null);
  }

  private static OutputUnit mostRelevant(OutputUnit unit) {
    List<OutputUnit> errors = unit.getErrors();
    return errors == null || errors.isEmpty() ? unit : errors.get(errors.size() - 1);
  }

  private static String lastSegment(String location) {
    if (location == null) {
      return "schema";
    }
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private static String explain(String keyword, String error) {
    Matcher numbers = NUMBERS.matcher(String.valueOf(error));
    boolean counted = numbers.find();
    return switch (keyword) {
      case "maxLength" -> counted
          ? "is too long: at most " + numbers.group(2) + " characters, got " + numbers.group(1)
          : "is too long";
      case "minLength" -> counted
          ? "is too short: at least " + numbers.group(2) + " character(s), got " + numbers.group(1)
          : "is too short";
      case "pattern" -> "must have a character other than white space, and no control, line-separator or bidi-control"
          + " characters";
      case "type" -> "has the wrong type: " + error;
      default -> "breaks the rule '" + keyword + "': " + error;
    };
  }
}
