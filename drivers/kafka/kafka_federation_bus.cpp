#include "drivers/kafka/kafka_federation_bus.hpp"

#include <atomic>
#include <thread>

#include <librdkafka/rdkafka.h>

#include "drivers/kafka/kafka_log.hpp"

namespace hotline::drivers {

using events::errc;
using events::status;
namespace fed = events::federation;

struct kafka_federation_bus::impl {
  kafka_federation_options opt;
  ports::federation_handlers handlers;
  rd_kafka_t* producer = nullptr;
  rd_kafka_t* consumer = nullptr;
  std::atomic<bool> running{true};
  std::atomic<std::uint64_t> sent{0}, received{0};
  std::thread thread;

  ~impl() {
    running = false;
    if (thread.joinable()) thread.join();
    if (producer) {
      rd_kafka_flush(producer, 2000);
      rd_kafka_destroy(producer);
    }
    if (consumer) {
      rd_kafka_consumer_close(consumer);
      rd_kafka_destroy(consumer);
    }
  }

  void problem(std::string what) {
    if (handlers.on_problem) handlers.on_problem(std::move(what));
  }

  /// The record headers every federation record carries (docs/kafka.md).
  struct record_headers {
    std::string type, version, site, id;
  };

  void produce(const std::string& topic, const std::string& key, const std::string& value,
               const record_headers& h) {
    auto header = [](const std::string& v) { return static_cast<ssize_t>(v.size()); };
    auto err = rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic.c_str()),
                                 RD_KAFKA_V_KEY(key.data(), key.size()),
                                 RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                 RD_KAFKA_V_HEADER("type", h.type.data(), header(h.type)),
                                 RD_KAFKA_V_HEADER("version", h.version.data(), header(h.version)),
                                 RD_KAFKA_V_HEADER("site", h.site.data(), header(h.site)),
                                 RD_KAFKA_V_HEADER("id", h.id.data(), header(h.id)),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err)
      problem("federation: cannot send to " + topic + ": " + rd_kafka_err2str(err));
    else
      ++sent;
  }

  void consume(rd_kafka_message_t* m) {
    if (m->err) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF &&
          m->err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        problem(std::string{"federation consumer: "} + rd_kafka_message_errstr(m));
      return;
    }
    std::string topic = rd_kafka_topic_name(m->rkt);
    std::string_view value{static_cast<const char*>(m->payload), m->len};
    auto where = "topic " + topic + " partition " + std::to_string(m->partition) + " offset " +
                 std::to_string(m->offset) + ": ";
    ++received;
    if (topic == opt.status_topic) {
      auto s = fed::site_status_from_json(value);
      if (!s) return problem(where + s.error().detail());
      if (s->site == opt.site) return;
      if (handlers.on_status) handlers.on_status(std::move(*s));
      return;
    }
    auto msg = fed::message_from_json(value);
    if (!msg) return problem(where + msg.error().detail());
    if (msg->to_site != opt.site)
      return problem(where + "message for site " + msg->to_site + " in the inbox of " + opt.site);
    if (handlers.on_message) handlers.on_message(std::move(*msg));
  }

  void run() {
    while (running) {
      if (auto* m = rd_kafka_consumer_poll(consumer, 10)) {
        consume(m);
        rd_kafka_message_destroy(m);
      }
      rd_kafka_poll(producer, 0);
    }
  }
};

namespace {

/// librdkafka's log lines, printed one line each (kafka_log.hpp); the
/// conf's opaque is the bus, so one sink for every federation client.
kafka_log_sink& federation_log_sink() {
  static kafka_log_sink sink{kafka_log_sink::policy::print};
  return sink;
}

void federation_log(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  federation_log_sink().log(rk, level, fac, buf);
}

void delivery_report(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  if (!m->err) return;
  auto* p = static_cast<kafka_federation_bus::impl*>(opaque);
  p->problem(std::string{"federation: a message to "} + rd_kafka_topic_name(m->rkt) +
             " was not delivered: " + rd_kafka_err2str(m->err));
}

events::result<rd_kafka_conf_t*> make_conf(const std::map<std::string, std::string>& props) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] : props)
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return status{errc::invalid_argument, "kafka property '" + k + "=" + v + "': " + err};
    }
  rd_kafka_conf_set_log_cb(conf, federation_log);
  return conf;
}

} // namespace

events::result<std::unique_ptr<kafka_federation_bus>>
kafka_federation_bus::start(kafka_federation_options o, ports::federation_handlers h) {
  if (o.bootstrap_servers.empty() || o.site.empty())
    return status{errc::invalid_argument,
                  "federation: the Kafka bootstrap servers and the site id are required"};
  if (o.inbox_topic.empty()) o.inbox_topic = "hotline." + o.site + ".federation";
  auto p = std::make_unique<impl>();
  p->opt = o;
  p->handlers = std::move(h);
  char err[512];

  std::map<std::string, std::string> pprops = {{"bootstrap.servers", o.bootstrap_servers},
                                               {"enable.idempotence", "true"},
                                               {"acks", "all"},
                                               {"linger.ms", "0"},
                                               {"client.id", "hotline-federation-" + o.site}};
  for (const auto& [k, v] : o.properties)
    pprops[k] = v;
  auto pconf = make_conf(pprops);
  if (!pconf) return pconf.error();
  rd_kafka_conf_set_opaque(*pconf, p.get());
  rd_kafka_conf_set_dr_msg_cb(*pconf, delivery_report);
  p->producer = rd_kafka_new(RD_KAFKA_PRODUCER, *pconf, err, sizeof err);
  if (!p->producer) {
    rd_kafka_conf_destroy(*pconf);
    return status{errc::unavailable, std::string{"federation producer: "} + err};
  }
  // Metadata requests create the topics on brokers that auto-create them
  // (the mock cluster does), so the consumer finds them at once.
  // The peers' inboxes too: the producer then knows their leaders before the
  // first offer (an unknown topic costs the first messages a metadata round).
  std::vector<std::string> known{o.status_topic, o.inbox_topic};
  for (const auto& [peer, inbox] : o.peer_inboxes)
    known.push_back(inbox);
  for (const auto& t : known) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(p->producer, t.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    if (rd_kafka_metadata(p->producer, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR && md)
      rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
  }

  std::map<std::string, std::string> cprops = {{"bootstrap.servers", o.bootstrap_servers},
                                               {"group.id", "hotline-federation-" + o.site},
                                               {"client.id", "hotline-federation-" + o.site},
                                               {"auto.offset.reset", "earliest"},
                                               {"enable.auto.commit", "true"},
                                               {"auto.commit.interval.ms", "200"},
                                               {"fetch.wait.max.ms", "5"},
                                               {"topic.metadata.refresh.interval.ms", "1000"},
                                               {"session.timeout.ms", "6000"},
                                               {"heartbeat.interval.ms", "500"},
                                               {"allow.auto.create.topics", "true"}};
  for (const auto& [k, v] : o.properties)
    cprops[k] = v;
  auto cconf = make_conf(cprops);
  if (!cconf) return cconf.error();
  p->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, *cconf, err, sizeof err);
  if (!p->consumer) {
    rd_kafka_conf_destroy(*cconf);
    return status{errc::unavailable, std::string{"federation consumer: "} + err};
  }
  rd_kafka_poll_set_consumer(p->consumer);
  auto* topics = rd_kafka_topic_partition_list_new(2);
  rd_kafka_topic_partition_list_add(topics, o.status_topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_topic_partition_list_add(topics, o.inbox_topic.c_str(), RD_KAFKA_PARTITION_UA);
  auto serr = rd_kafka_subscribe(p->consumer, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (serr)
    return status{errc::unavailable,
                  std::string{"federation: cannot subscribe: "} + rd_kafka_err2str(serr)};
  p->thread = std::thread([raw = p.get()] { raw->run(); });
  return std::unique_ptr<kafka_federation_bus>(new kafka_federation_bus(std::move(p)));
}

kafka_federation_bus::kafka_federation_bus(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
kafka_federation_bus::~kafka_federation_bus() = default;

void kafka_federation_bus::send(const fed::message& m) {
  auto it = impl_->opt.peer_inboxes.find(m.to_site);
  auto topic =
      it != impl_->opt.peer_inboxes.end() ? it->second : "hotline." + m.to_site + ".federation";
  impl_->produce(topic, m.call_id, fed::to_json(m),
                 {std::string{"federation."} + fed::to_string(m.kind),
                  std::to_string(fed::message_version), m.from_site, fed::record_id(m)});
}

void kafka_federation_bus::publish(const fed::site_status& s) {
  impl_->produce(impl_->opt.status_topic, s.site, fed::to_json(s),
                 {"site.status", std::to_string(fed::site_status_version), s.site,
                  s.site + "-" + std::to_string(s.seq)});
}

std::uint64_t kafka_federation_bus::sent() const noexcept {
  return impl_->sent;
}
std::uint64_t kafka_federation_bus::received() const noexcept {
  return impl_->received;
}

} // namespace hotline::drivers
