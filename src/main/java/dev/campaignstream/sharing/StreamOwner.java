package dev.campaignstream.sharing;

import io.vertx.core.json.JsonObject;

/**
 * Who writes a campaign in the cluster: the HTTP node that claimed its key, the cluster member it
 * runs on (so that the others can drop its claims when it leaves), the address where other nodes
 * ask to follow it, and the stream it claimed it for. Kept in {@link StreamOwners}' map as its
 * JSON text, which every node reads alike; two owners are the same when these four fields are.
 */
public record StreamOwner(String node, String member, String joinAddress, String streamId) {

  public String encode() {
    return new JsonObject().put("node", node).put("member", member).put("join", joinAddress).put("stream", streamId)
        .encode();
  }

  public static StreamOwner decode(String text) {
    if (text == null) {
      return null;
    }
    JsonObject json = new JsonObject(text);
    return new StreamOwner(json.getString("node"), json.getString("member"), json.getString("join"),
        json.getString("stream"));
  }
}
