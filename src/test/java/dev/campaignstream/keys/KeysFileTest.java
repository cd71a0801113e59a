package dev.campaignstream.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.campaignstream.support.KeysFiles;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The keys file's rules, each problem naming its line and never quoting a key or a hash. */
class KeysFileTest {

  private static final String KEY = "cs_the-key-itself-never-quoted";
  private static final String HASH = java.util.HexFormat.of().formatHex(KeyVerifier.hash(KEY));

  @Test
  void theIssuesExampleReads() throws Exception {
    CallerKeys keys = parse("""
        keys:
          - name: acme-web              # who it is
            sha256: %s
            requestsPerMinute: 120
            concurrentStreams: 20
            tokensPerDay: 500000
            disabled: false
          - name: batch
            sha256: %s
            disabled: true
        """.formatted(HASH, "a".repeat(64)));
    assertThat(keys.names()).containsExactly("acme-web", "batch");
    CallerKey acme = keys.find(KeyVerifier.hash(KEY));
    assertThat(acme).isEqualTo(new CallerKey("acme-web", new KeyLimits(120, 20, 500000L), false));
    assertThat(keys.find(KeyVerifier.hash("another"))).isNull();
  }

  @Test
  void anEmptyListDeclaresNoKey() throws Exception {
    assertThat(parse("keys: []\n").size()).isZero();
    assertThat(parse("keys:\n").size()).isZero();
  }

  @Test
  void eachBrokenRuleNamesItsLine() {
    problems("keys:\n  - name: Acme\n    sha256: " + HASH + "\n", "line 2: name must match [a-z0-9-]{1,40}, got 'Acme'");
    problems("keys:\n  - name: " + "a".repeat(41) + "\n    sha256: " + HASH + "\n", "line 2: name must match");
    problems("keys:\n  - name: a\n    sha256: " + HASH.toUpperCase() + "\n",
        "line 3: sha256 must be 64 lower-case hex digits");
    problems("keys:\n  - name: a\n    sha256: " + KEY + "\n", "line 3: sha256 must be 64 lower-case hex digits");
    problems("keys:\n  - name: a\n    sha256: " + HASH + "\n  - name: a\n    sha256: " + "b".repeat(64) + "\n",
        "line 4: name 'a' is already used on line 2");
    problems("keys:\n  - name: a\n    sha256: " + HASH + "\n  - name: b\n    sha256: " + HASH + "\n",
        "line 5: this sha256 is already the hash of 'a'");
    problems("keys:\n  - name: a\n    sha256: " + HASH + "\n    requestsPerMinute: 0\n",
        "line 4: requestsPerMinute must be a whole number from 1 to 2147483647");
    problems("keys:\n  - name: a\n    sha256: " + HASH + "\n    concurrentStreams: -3\n", "line 4: concurrentStreams");
    problems("keys:\n  - name: a\n    sha256: " + HASH + "\n    tokensPerDay: 1.5\n", "line 4: tokensPerDay");
    problems("keys:\n  - name: a\n    sha256: " + HASH + "\n    requestsPerMinute: '120'\n", "line 4: requestsPerMinute");
    problems("keys:\n  - name: a\n    sha256: " + HASH + "\n    concurrentStreams: 2147483648\n", "line 4: concurrentStreams");
    problems("keys:\n  - name: a\n    sha256: " + HASH + "\n    disabled: yes\n", "line 4: disabled must be true or false");
    problems("keys:\n  - name: a\n    sha256: " + HASH + "\n    rpm: 3\n", "line 4: unknown field 'rpm'");
    problems("keys:\n  - name: a\n", "line 2: an entry needs a sha256");
    problems("keys:\n  - sha256: " + HASH + "\n", "line 2: an entry needs a name");
    problems("callers:\n  - name: a\n", "line 1: unknown field 'callers'");
    problems("keys: acme\n", "line 1: 'keys:' must be a list of entries");
    problems("", "the file is empty");
    problems("keys:\n  - name: a\n   sha256: x\n", "line 3: not valid YAML");
    problems("keys:\n  - name: a\n    name: b\n    sha256: " + HASH + "\n", "line 3: field 'name' is given twice");
    problems("keys: []\nkeys: []\n", "line 2: 'keys:' is given twice");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThatThrownBy(() -> parse("keys:\n  - name: A\n    sha256: x\n  - name: b\n    sha256: " + HASH
        + "\n    disabled: 1\n"))
        .isInstanceOfSatisfying(InvalidKeysFileException.class, e -> assertThat(e.problems()).hasSize(3));
  }

  @Test
  void aProblemNeverQuotesWhatCouldBeAKey() {
    String pasted = "cs_" + "Z".repeat(43);
    for (String text : new String[] {
        "keys:\n  - name: a\n    sha256: " + pasted + "\n",
        "keys:\n  - name: " + pasted + "\n    sha256: " + HASH + "\n",
        "keys:\n  - name: a\n    sha256: " + HASH + "\n    " + pasted + ": 1\n",
        "keys:\n  - name: a\n    sha256: \"" + pasted + "\n",
        "keys:\n  - name: a\n\t" + pasted + "\n",
        "keys:\n  - name: a\n    sha256: " + HASH + "\n    disabled: " + pasted + "\n"}) {
      assertThatThrownBy(() -> parse(text)).isInstanceOfSatisfying(InvalidKeysFileException.class,
          e -> assertThat(e.getMessage()).as(e.getMessage()).contains("line ").doesNotContain(pasted).doesNotContain("ZZZZ"));
    }
    assertThatThrownBy(() -> parse("keys:\n  - name: a\n    sha256: " + HASH + "\n    tokensPerDay: " + HASH + "\n"))
        .hasMessageNotContaining(HASH);
  }

  @Test
  void theTestHelperWritesValidEntries() throws Exception {
    assertThat(parse("keys:\n" + KeysFiles.entry("a", KEY, "disabled: true")).find(KeyVerifier.hash(KEY)).disabled())
        .isTrue();
  }

  private static CallerKeys parse(String text) throws InvalidKeysFileException {
    return KeysFile.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void problems(String text, String expected) {
    assertThatThrownBy(() -> parse(text)).as(text).isInstanceOfSatisfying(InvalidKeysFileException.class,
        e -> assertThat(e.getMessage()).as(text).contains(expected));
  }
}
