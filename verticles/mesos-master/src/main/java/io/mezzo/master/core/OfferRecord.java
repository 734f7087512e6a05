package io.mezzo.master.core;

import io.mezzo.mesos.proto.ResourceBag;
import org.apache.mesos.v1.Protos.Offer;

/** An outstanding offer: resources of one agent held for one framework until accepted, declined or rescinded. */
record OfferRecord(String id, String frameworkId, String agentId, String role, ResourceBag resources, Offer offer) {
}
