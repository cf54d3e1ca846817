#include "drivers/kafka/rdkafka_publisher.hpp"

#include <librdkafka/rdkafka.h>

#include "drivers/kafka/kafka_log.hpp"

namespace hotline::drivers {

using events::errc;

struct rdkafka_publisher::impl {
  rdkafka_publisher_options opts;
  kafka_log_sink log_sink{kafka_log_sink::policy::print};
};

namespace {

/// One producer: a librdkafka handle whose opaque is the session, so that
/// its callbacks reach the session's listener.
class rdkafka_session final : public producer_session {
public:
  rdkafka_session(delivery_listener& listener, kafka_log_sink& sink)
      : listener_(listener), sink_(sink) {}
  ~rdkafka_session() override { close(); }

  /// Creates the handle and the topic; takes `conf` (destroyed on failure).
  events::status create(rd_kafka_conf_t* conf, const std::string& topic) {
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_dr_msg_cb(conf, &rdkafka_session::on_delivery);
    rd_kafka_conf_set_error_cb(conf, &rdkafka_session::on_error);
    rd_kafka_conf_set_log_cb(conf, &rdkafka_session::on_log);
    char err[512];
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err); // owns conf on success
    if (!rk_) {
      rd_kafka_conf_destroy(conf);
      return {errc::invalid_argument, std::string{"kafka relay: cannot create producer: "} + err};
    }
    rkt_ = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
    if (!rkt_) {
      auto code = rd_kafka_last_error();
      rd_kafka_destroy(rk_);
      rk_ = nullptr;
      return {errc::invalid_argument,
              "kafka relay: topic '" + topic + "': " + rd_kafka_err2str(code)};
    }
    return {};
  }

  produce_result produce(const outgoing_record& r) override {
    rd_kafka_headers_t* headers = rd_kafka_headers_new(r.headers.size());
    for (const auto& h : r.headers)
      rd_kafka_header_add(headers, h.name.data(), static_cast<ssize_t>(h.name.size()),
                          h.value.data(), static_cast<ssize_t>(h.value.size()));
    // No RD_KAFKA_MSG_F_COPY: the caller keeps the value until its report.
    auto err = rd_kafka_producev(
        rk_, RD_KAFKA_V_RKT(rkt_), RD_KAFKA_V_MSGFLAGS(0),
        RD_KAFKA_V_KEY(r.key.data(), r.key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()),
        RD_KAFKA_V_HEADERS(headers),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<std::uintptr_t>(r.tag))),
        RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return {}; // the message owns the headers now
    rd_kafka_headers_destroy(headers);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) return {produce_result::kind::queue_full, {}};
    return {produce_result::kind::refused, rd_kafka_err2str(err)};
  }

  void poll(std::chrono::milliseconds timeout) override {
    rd_kafka_poll(rk_, static_cast<int>(timeout.count()));
  }

  void purge_queued() override { rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE); }

  bool probe(std::chrono::milliseconds timeout) override {
    const rd_kafka_metadata_t* md = nullptr;
    const bool answered = rd_kafka_metadata(rk_, 0, rkt_, &md, static_cast<int>(timeout.count())) ==
                          RD_KAFKA_RESP_ERR_NO_ERROR;
    if (md) rd_kafka_metadata_destroy(md);
    return answered;
  }

  /// Drops whatever the producer still holds (reports served first, so that
  /// the listener sees them), then closes it.
  void close() override {
    if (!rk_) return;
    rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(rk_, 0);
    rd_kafka_topic_destroy(rkt_);
    rd_kafka_destroy(rk_);
    rk_ = nullptr;
    rkt_ = nullptr;
  }

private:
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<rdkafka_session*>(opaque);
    auto tag = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(m->_private));
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      self->listener_.delivered(tag);
      return;
    }
    self->listener_.failed(tag, {rd_kafka_err2str(m->err), m->err == RD_KAFKA_RESP_ERR__TRANSPORT});
  }

  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* self = static_cast<rdkafka_session*>(opaque);
    auto code = static_cast<rd_kafka_resp_err_t>(err);
    publish_problem p;
    p.reason = reason ? reason : rd_kafka_err2str(code);
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
      char buf[512] = {0};
      rd_kafka_fatal_error(rk, buf, sizeof buf);
      p.reason = buf;
      p.fatal = true;
    }
    p.unreachable = code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN ||
                    code == RD_KAFKA_RESP_ERR__RESOLVE || code == RD_KAFKA_RESP_ERR__AUTHENTICATION;
    self->listener_.client_error(p);
  }

  static void on_log(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
    auto* self = rk ? static_cast<rdkafka_session*>(rd_kafka_opaque(rk)) : nullptr;
    if (self) self->sink_.log(rk, level, fac, buf);
  }

  delivery_listener& listener_;
  kafka_log_sink& sink_;
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_topic_t* rkt_ = nullptr;
};

events::status set_property(rd_kafka_conf_t* conf, const std::string& key, const std::string& val) {
  char err[512];
  if (rd_kafka_conf_set(conf, key.c_str(), val.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
    return {errc::invalid_argument, "kafka property '" + key + "=" + val + "': " + err};
  return {};
}

} // namespace

rdkafka_publisher::rdkafka_publisher(rdkafka_publisher_options options)
    : impl_(std::make_unique<impl>()) {
  impl_->opts = std::move(options);
}

rdkafka_publisher::~rdkafka_publisher() = default;

events::status
rdkafka_publisher::check_properties(const std::map<std::string, std::string>& properties) {
  for (const auto& [key, val] : properties) {
    auto refuse = [&](const char* why) {
      return events::status{errc::invalid_argument,
                            "kafka relay: property '" + key + "=" + val + "' refused: " + why};
    };
    if (key == "enable.idempotence" && val != "true")
      return refuse("per-stream order across retries needs the idempotent producer");
    if ((key == "acks" || key == "request.required.acks") && val != "all" && val != "-1")
      return refuse("an event is checkpointed only once every in-sync replica has it");
    if (key == "enable.gapless.guarantee" && val != "true")
      return refuse("a failed batch must not leave a gap that later records skip over");
    if ((key == "message.timeout.ms" || key == "delivery.timeout.ms") && val != "0")
      return refuse("a timed-out message could reach the topic after later ones of its "
                    "stream; the relay retries forever instead");
  }
  return {};
}

events::result<std::unique_ptr<producer_session>>
rdkafka_publisher::open_session(const std::string& topic, delivery_listener& listener) {
  const auto& opts = impl_->opts;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::map<std::string, std::string> defaults = {
      {"bootstrap.servers", opts.bootstrap_servers},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"enable.gapless.guarantee", "true"},
      {"message.timeout.ms", "0"},
      {"linger.ms", "5"},
      {"batch.num.messages", "10000"},
      {"batch.size", "1000000"},
      {"queue.buffering.max.messages", "50000"},
  };
  if (!opts.client_id.empty()) defaults["client.id"] = opts.client_id;
  const std::map<std::string, std::string>* in_order[] = {&defaults, &opts.properties};
  for (const auto* props : in_order) {
    for (const auto& [key, val] : *props) {
      if (auto st = set_property(conf, key, val); !st) {
        rd_kafka_conf_destroy(conf);
        return st;
      }
    }
  }
  auto session = std::make_unique<rdkafka_session>(listener, impl_->log_sink);
  if (auto st = session->create(conf, topic); !st) return st;
  return std::unique_ptr<producer_session>{std::move(session)};
}

events::result<topic_tail> rdkafka_publisher::read_tail(const std::string& topic,
                                                        std::chrono::milliseconds timeout) {
  topic_tail_options to;
  to.bootstrap_servers = impl_->opts.bootstrap_servers;
  to.topic = topic;
  to.properties = impl_->opts.properties;
  to.timeout = timeout;
  return read_topic_tail(to);
}

} // namespace hotline::drivers
