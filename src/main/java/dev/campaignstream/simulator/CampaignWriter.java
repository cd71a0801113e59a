package dev.campaignstream.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes the simulator's stand-in campaign: a deterministic (seeded from the brand), template-driven
 * marketing campaign of roughly 250–400 words, and splits it into model-like deltas.
 * <p>
 * The text deliberately contains multi-byte characters (—, –, “ ”, ’, ✨, 🚀) so clients' UTF-8 handling is
 * exercised, and it mentions the brand several times exactly as given.
 */
public final class CampaignWriter {

  /** Used when the request has no usable user message. */
  static final String FALLBACK_BRAND = "your brand";

  private static final String[] NAMES = {
    "Everyday Spark", "Made for Mornings", "The Bright Side", "Little Big Wins", "Next Chapter", "Open Doors",
  };

  private static final String[] INTROS = {
    "Here is a four-week launch campaign for {B}, built to earn attention quickly and keep working long after"
        + " the first burst of media.",
    "Below is a complete campaign concept for {B}: one clear idea, carried consistently across every channel"
        + " for four weeks and beyond.",
    "This plan gives {B} a focused, four-week launch with a single idea at its heart and room to grow once"
        + " the first results come in.",
  };

  private static final String[] TAGLINES = {
    "“{B}. Made for the moments that matter.” ✨",
    "“Start something good with {B}.” ✨",
    "“Every day is a little better with {B}.” ✨",
    "“{B} — small change, big difference.” ✨",
  };

  private static final String[] AUDIENCES = {
    "Busy urban professionals aged 25–40 who value quality, dislike wasted time and trust recommendations"
        + " from friends more than ads. They discover new brands on their phones, usually in the evening, and stay"
        + " loyal to the ones that make life simpler.",
    "Curious, value-conscious shoppers aged 20–35 who compare options before buying, read reviews and love"
        + " sharing a good find. They follow creators rather than brands and expect honesty above polish.",
    "Young families and first-time homeowners aged 28–45 who plan ahead, shop with a list and want products"
        + " that simply work. They listen to podcasts on the commute and scroll social feeds after bedtime.",
  };

  private static final String[] MESSAGES = {
    "{B} fits into real life instead of asking you to change it. Everything we say should prove that {B}"
        + " saves time, feels personal and delivers on its promise from the very first try.",
    "With {B}, the good choice is also the easy one. Every touchpoint shows a real person getting a real"
        + " result, so the benefit of {B} is obvious within seconds.",
    "{B} is the dependable upgrade people didn’t know they were waiting for. We show it, we don’t just say"
        + " it: real moments, honest voices and a promise that {B} keeps every single day.",
  };

  private static final String[] SOCIAL = {
    "short, playful posts and stories that show {B} in everyday situations, plus a weekly community challenge"
        + " and reposts of the best customer stories.",
    "a steady rhythm of behind-the-scenes clips, quick tips and polls that invite people to tell us how {B}"
        + " fits into their week.",
    "bite-sized before-and-after posts, a pinned launch story and fast, friendly replies to every comment"
        + " that mentions {B}.",
  };

  private static final String[] VIDEO = {
    "a 30-second hero film and three 6-second cut-downs for pre-roll, built around one simple idea: life,"
        + " slightly better.",
    "a 20-second hero spot for connected TV and a series of vertical 15-second stories, each ending on the"
        + " same warm product moment.",
    "a documentary-style short following three real customers for a week, with 10-second edits for paid"
        + " social and YouTube.",
  };

  private static final String[] OUT_OF_HOME = {
    "bold, minimal posters at commuter stations and bus shelters, each with a single line of copy and a QR"
        + " code that leads straight to the launch offer.",
    "large-format billboards on the main routes into the city, paired with digital screens that change the"
        + " message by time of day.",
    "a pop-up space in a busy shopping street where people can try the product, take a photo and leave with"
        + " a small gift.",
  };

  private static final String[] PARTNERS = {
    "ten micro-creators with engaged local audiences, each given early access and full freedom to tell their"
        + " own honest story.",
    "a handful of trusted creators and one podcast host who genuinely use the product, with unique codes to"
        + " track results.",
    "a partnership with a like-minded local brand for a co-branded limited edition and shared newsletter"
        + " features.",
  };

  private static final String[] WEEK_ONE = {
    "mysterious teaser posts and countdown stories, without product shots, to build curiosity.",
    "creators receive early access and share first impressions; a waiting list opens.",
    "teaser films and a simple “something new is coming” message across social channels.",
  };

  private static final String[] WEEKS_TWO_THREE = {
    "the hero film premieres, posters go live, creators publish and the launch offer opens.",
    "paid social and video scale up, out-of-home goes live and the community challenge starts.",
    "the full campaign runs across every channel, with daily optimisation of the best-performing ads.",
  };

  private static final String[] WEEK_FOUR = {
    "share customer stories, reward the most active fans and retarget engaged visitors with a reminder.",
    "turn the strongest reviews into ads, thank the community publicly and plan the next wave.",
    "keep the conversation going with user-generated content, a loyalty perk and a monthly highlights post.",
  };

  private static final String[] CALLS_TO_ACTION = {
    "Try {B} today and see the difference for yourself. Visit the website, claim the launch offer and share"
        + " your first moment with us. 🚀",
    "Discover {B} now: sign up in under a minute, unlock the launch offer and tell a friend who needs it"
        + " too. 🚀",
    "Make {B} part of your week. Order today, enjoy the launch price and let us know what you think. 🚀",
  };

  private CampaignWriter() {
  }

  /** The whole campaign text for {@code brand}; the same brand always gives the same text. */
  public static String write(String brand) {
    String b = brand == null || brand.isBlank() ? FALLBACK_BRAND : brand;
    Random rnd = new Random(seed(b));
    StringBuilder out = new StringBuilder(2600);
    out.append(pick(rnd, INTROS)).append("\n\n");
    out.append("Campaign name: “{B} ").append(pick(rnd, NAMES)).append("”\n\n");
    out.append("Tagline: ").append(pick(rnd, TAGLINES)).append("\n\n");
    out.append("Target audience: ").append(pick(rnd, AUDIENCES)).append("\n\n");
    out.append("Key message: ").append(pick(rnd, MESSAGES)).append("\n\n");
    out.append("Channels:\n");
    out.append("- Social: ").append(pick(rnd, SOCIAL)).append('\n');
    out.append("- Video: ").append(pick(rnd, VIDEO)).append('\n');
    out.append("- Out-of-home: ").append(pick(rnd, OUT_OF_HOME)).append('\n');
    out.append("- Creators and partners: ").append(pick(rnd, PARTNERS)).append("\n\n");
    out.append("Launch timeline:\n");
    out.append("- Week 1 — Tease: ").append(pick(rnd, WEEK_ONE)).append('\n');
    out.append("- Weeks 2–3 — Launch: ").append(pick(rnd, WEEKS_TWO_THREE)).append('\n');
    out.append("- Week 4 onward — Sustain: ").append(pick(rnd, WEEK_FOUR)).append("\n\n");
    out.append("Call to action: ").append(pick(rnd, CALLS_TO_ACTION));
    // Plain replace (not a regex) so brands containing $, \ or { stay literal.
    return out.toString().replace("{B}", b);
  }

  /** The campaign for {@code brand} split into model-like deltas. */
  public static List<String> deltas(String brand) {
    return tokenize(write(brand));
  }

  /**
   * Splits text roughly the way a model streams it: a word with its leading space (" campaign"), a single
   * punctuation mark or symbol (",", " —", "🚀"), or a run of newlines. Never splits a code point, so every
   * delta is valid UTF-16 and survives JSON encoding.
   */
  public static List<String> tokenize(String text) {
    List<String> out = new ArrayList<>(text.length() / 4 + 1);
    int i = 0;
    int n = text.length();
    while (i < n) {
      int start = i;
      int cp = text.codePointAt(i);
      if (cp == '\n') {
        while (i < n && text.charAt(i) == '\n') {
          i++;
        }
      } else {
        if (cp == ' ' && i + 1 < n && text.charAt(i + 1) != ' ' && text.charAt(i + 1) != '\n') {
          i++; // the leading space travels with the next word or symbol
          cp = text.codePointAt(i);
        }
        if (Character.isLetterOrDigit(cp)) {
          while (i < n && Character.isLetterOrDigit(text.codePointAt(i))) {
            i += Character.charCount(text.codePointAt(i));
          }
        } else {
          i += Character.charCount(cp);
        }
      }
      out.add(text.substring(start, i));
    }
    return out;
  }

  private static String pick(Random rnd, String[] options) {
    return options[rnd.nextInt(options.length)];
  }

  /** FNV-1a over the UTF-8 bytes: stable across JVMs and releases, unlike relying on hash quirks. */
  private static long seed(String brand) {
    long h = 0xcbf29ce484222325L;
    for (byte x : brand.getBytes(StandardCharsets.UTF_8)) {
      h ^= (x & 0xff);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
