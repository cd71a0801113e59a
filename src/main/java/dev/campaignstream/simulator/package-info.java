/**
 * The built-in OpenAI simulator: a fake {@code POST /v1/chat/completions} over real HTTP. It is demo mode's
 * engine and the upstream of the tests and the bench. It uses nothing else of the service, and of the
 * service only {@code CampaignService} uses it, to start it in demo mode.
 *
 * <p>{@link dev.campaignstream.simulator.OpenAiSimulator} serves the requests. Each takes a
 * {@link dev.campaignstream.simulator.Behaviour} (what text, how fast, which
 * {@link dev.campaignstream.simulator.Fault}), which a {@code StreamSession} plays out on the response.
 */
package dev.campaignstream.simulator;
