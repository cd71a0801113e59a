package dev.campaignstream.keys;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the caller keys file: {@code keys:}, a list of entries with {@code name}, {@code sha256} and
 * the optional {@code requestsPerMinute}, {@code concurrentStreams}, {@code tokensPerDay} and
 * {@code disabled}. Every rule is checked on SnakeYAML's node tree, so each problem names its line;
 * a problem never quotes a value but a name (the file might hold a key pasted by mistake where its
 * hash belongs, and YAML's own error messages quote the line they failed on).
 */
public final class KeysFile {

  static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,40}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern POSITIVE = Pattern.compile("[1-9][0-9]{0,18}");
  /** Field names shown in a problem: anything else might be a value typed in the wrong place. */
  private static final Pattern PLAIN_FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,39}");
  /** SnakeYAML's problem texts that say what is wrong without quoting what was written. */
  private static final Pattern PLAIN_PROBLEM = Pattern.compile("[A-Za-z ,:()]{1,120}");
  private static final Set<String> FIELDS =
      Set.of("name", "sha256", "requestsPerMinute", "concurrentStreams", "tokensPerDay", "disabled");
  /** Far more than any operator declares; bounds what a reload parses. */
  static final int MAX_BYTES = 4 * 1024 * 1024;

  private KeysFile() {
  }

  /** The keys the file at {@code path} declares. */
  public static CallerKeys read(Path path) throws InvalidKeysFileException {
    byte[] bytes;
    try {
      if (Files.size(path) > MAX_BYTES) {
        throw new InvalidKeysFileException(List.of("the file is larger than " + MAX_BYTES + " bytes"));
      }
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new InvalidKeysFileException(List.of("cannot be read (" + e.getClass().getSimpleName() + ")"));
    }
    return parse(bytes);
  }

  /** The keys the file's bytes declare. */
  public static CallerKeys parse(byte[] bytes) throws InvalidKeysFileException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidKeysFileException(List.of("is not UTF-8 text"));
    }
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(0);
      options.setCodePointLimit(MAX_BYTES);
      root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null && PLAIN_PROBLEM.matcher(e.getProblem()).matches()
          ? e.getProblem() : "a syntax error";
      throw new InvalidKeysFileException(List.of(
          (mark == null ? "" : "line " + (mark.getLine() + 1) + ": ") + "not valid YAML: " + problem));
    } catch (YAMLException e) {
      throw new InvalidKeysFileException(List.of("not valid YAML"));
    }
    return new Reading().keys(root);
  }

  /** The problems of one reading, each with its line; the keys when there are none. */
  private static final class Reading {

    private final List<String> problems = new ArrayList<>();
    private final List<CallerKeys.Declared> keys = new ArrayList<>();
    private final Map<String, Integer> nameLines = new HashMap<>();
    private final Map<String, String> hashNames = new HashMap<>();

    CallerKeys keys(Node root) throws InvalidKeysFileException {
      if (root == null) {
        throw new InvalidKeysFileException(List.of("the file is empty: it must hold 'keys:', a list of entries"));
      }
      if (!(root instanceof MappingNode top)) {
        throw new InvalidKeysFileException(List.of(at(root) + "the file must be a mapping with 'keys:'"));
      }
      Node list = null;
      for (NodeTuple tuple : top.getValue()) {
        String field = scalar(tuple.getKeyNode());
        if ("keys".equals(field) && list != null) {
          problems.add(at(tuple.getKeyNode()) + "'keys:' is given twice");
        } else if ("keys".equals(field)) {
          list = tuple.getValueNode();
        } else {
          problems.add(at(tuple.getKeyNode()) + unknown(field) + " (the file holds only 'keys:')");
        }
      }
      if (list == null) {
        problems.add(at(root) + "'keys:' is missing");
      } else if (list instanceof SequenceNode entries) {
        entries.getValue().forEach(this::entry);
      } else if (!(list instanceof ScalarNode empty && empty.getValue().isEmpty())) {
        problems.add(at(list) + "'keys:' must be a list of entries ('- name: ...')");
      }
      if (!problems.isEmpty()) {
        throw new InvalidKeysFileException(problems);
      }
      return new CallerKeys(keys);
    }

    private void entry(Node node) {
      if (!(node instanceof MappingNode entry)) {
        problems.add(at(node) + "an entry must be a mapping with name and sha256");
        return;
      }
      int before = problems.size();
      String name = null;
      byte[] hash = null;
      Integer requestsPerMinute = null;
      Integer concurrentStreams = null;
      Long tokensPerDay = null;
      boolean disabled = false;
      Node nameNode = null;
      Node hashNode = null;
      Set<String> given = new java.util.HashSet<>();
      for (NodeTuple tuple : entry.getValue()) {
        String field = scalar(tuple.getKeyNode());
        Node value = tuple.getValueNode();
        if (field == null || !FIELDS.contains(field)) {
          problems.add(at(tuple.getKeyNode()) + unknown(field) + "; an entry has " + String.join(", ", ordered()));
          continue;
        }
        if (!given.add(field)) {
          problems.add(at(tuple.getKeyNode()) + "field '" + field + "' is given twice");
          continue;
        }
        switch (field) {
          case "name" -> {
            nameNode = value;
            name = scalar(value);
            if (name == null || !NAME.matcher(name).matches()) {
              problems.add(at(value) + "name must match [a-z0-9-]{1,40}" + (name != null && plain(name)
                  ? ", got '" + name + "'" : ""));
              name = null;
            }
          }
          case "sha256" -> {
            hashNode = value;
            String hex = scalar(value);
            if (hex == null || !SHA256.matcher(hex).matches()) {
              problems.add(at(value) + "sha256 must be 64 lower-case hex digits, the SHA-256 of the key"
                  + " (never the key itself)");
            } else {
              hash = HexFormat.of().parseHex(hex);
            }
          }
          case "requestsPerMinute" -> requestsPerMinute = intLimit(field, value);
          case "concurrentStreams" -> concurrentStreams = intLimit(field, value);
          case "tokensPerDay" -> tokensPerDay = limit(field, value, Long.MAX_VALUE);
          case "disabled" -> {
            String flag = plainScalar(value);
            if ("true".equals(flag) || "false".equals(flag)) {
              disabled = Boolean.parseBoolean(flag);
            } else {
              problems.add(at(value) + "disabled must be true or false");
            }
          }
          default -> throw new IllegalStateException(field);
        }
      }
      if (nameNode == null) {
        problems.add(at(entry) + "an entry needs a name");
      }
      if (hashNode == null) {
        problems.add(at(entry) + "an entry needs a sha256");
      }
      if (name != null) {
        Integer first = nameNodeLine(name, nameNode);
        if (first != null) {
          problems.add(at(nameNode) + "name '" + name + "' is already used on line " + first);
        }
      }
      if (hash != null) {
        String hex = HexFormat.of().formatHex(hash);
        String owner = hashNames.putIfAbsent(hex, name == null ? "another entry" : "'" + name + "'");
        if (owner != null) {
          problems.add(at(hashNode) + "this sha256 is already the hash of " + owner + ": each key must be unique");
        }
      }
      if (problems.size() == before) {
        keys.add(new CallerKeys.Declared(new CallerKey(name,
            new KeyLimits(requestsPerMinute, concurrentStreams, tokensPerDay), disabled), hash));
      }
    }

    /** The line a name was first declared on, or null (recording this one) when it is the first. */
    private Integer nameNodeLine(String name, Node node) {
      return nameLines.putIfAbsent(name, node.getStartMark().getLine() + 1);
    }

    private Integer intLimit(String field, Node value) {
      Long limit = limit(field, value, Integer.MAX_VALUE);
      return limit == null ? null : limit.intValue();
    }

    private Long limit(String field, Node value, long max) {
      String text = plainScalar(value);
      if (text == null || !POSITIVE.matcher(text).matches() || Long.parseLong(text) > max) {
        problems.add(at(value) + field + " must be a whole number from 1 to " + max);
        return null;
      }
      return Long.parseLong(text);
    }

    private static List<String> ordered() {
      return List.of("name", "sha256", "requestsPerMinute", "concurrentStreams", "tokensPerDay", "disabled");
    }

    private static String unknown(String field) {
      return field != null && PLAIN_FIELD.matcher(field).matches()
          ? "unknown field '" + field + "'" : "an unknown field";
    }

    private static boolean plain(String value) {
      return PLAIN_FIELD.matcher(value).matches();
    }

    /** A plain or quoted scalar's text; null for a list, a mapping or null. */
    private static String scalar(Node node) {
      return node instanceof ScalarNode scalar && !scalar.getTag().getValue().endsWith(":null")
          ? scalar.getValue() : null;
    }

    /** An unquoted scalar's text: {@code "120"} in quotes is YAML text, not a number. */
    private static String plainScalar(Node node) {
      return node instanceof ScalarNode scalar && scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN
          ? scalar(node) : null;
    }

    private static String at(Node node) {
      return "line " + (node.getStartMark().getLine() + 1) + ": ";
    }
  }
}
