// Command backend is the target every load balancer in bench/gateway.sh
// forwards to: HTTP/1.1 with keep-alive, a 2-byte body on any path. It
// listens on $HOST:$PORT (as `netwright up` starts a `run` task) or -addr.
package main

import (
	"flag"
	"log"
	"net"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", net.JoinHostPort(os.Getenv("HOST"), os.Getenv("PORT")), "host:port to listen on")
	flag.Parse()
	body := []byte("ok")
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write(body)
	})
	log.Fatal((&http.Server{Addr: *addr, Handler: h}).ListenAndServe())
}
