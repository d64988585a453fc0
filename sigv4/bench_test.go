package sigv4

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	inapp "github.com/inappd/inappd"
)

// benchRequest signs a request as the SDK does and returns it as a server
// would receive it on 127.0.0.1:8080.
func benchRequest(b *testing.B, method, target string, body []byte, signHost string, header map[string]string) *http.Request {
	b.Helper()
	var r *http.Request
	if body != nil {
		r = httptest.NewRequest(method, "http://127.0.0.1:8080"+target, bytes.NewReader(body))
	} else {
		r = httptest.NewRequest(method, "http://127.0.0.1:8080"+target, nil)
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	realHost := r.Host
	if signHost != "" {
		r.Host = signHost
	}
	creds := aws.Credentials{AccessKeyID: testID, SecretAccessKey: testSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hashHex(body), Service, "us-east-1", testNow); err != nil {
		b.Fatal(err)
	}
	r.Host = realHost
	r.RequestURI = ""
	return r
}

func benchVerify(b *testing.B, r *http.Request, body []byte) {
	v := newVerifier(newKeys())
	if _, err := v.Verify(r, body); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := v.Verify(r, body); err != nil {
			b.Fatal(err)
		}
	}
}

var sdkHeaders = map[string]string{
	"Amz-Sdk-Invocation-Id": "2f5f6c3a-3c53-4f6e-8a8b-0d3c6c8f1d2e",
	"Amz-Sdk-Request":       "attempt=1; max=3",
}

// BenchmarkVerify/GetInAppMessages is the hot path: a cached key, a GET
// signed for the host it arrives on.
func BenchmarkVerify(b *testing.B) {
	inappmessages := "/v1/apps/" + testApp + "/endpoints/3f2b8c1e-0c4b-4f5e-9a51-2f7f3c0d9b11/inappmessages"
	b.Run("GetInAppMessages", func(b *testing.B) {
		benchVerify(b, benchRequest(b, "GET", inappmessages, nil, "", sdkHeaders), nil)
	})
	b.Run("GetInAppMessages/Amplify-host", func(b *testing.B) {
		// Signed for pinpoint.us-east-1.amazonaws.com: the received Host is
		// tried first, so this costs two signings.
		h := map[string]string{"Amz-Sdk-Request": "attempt=1; max=3", "X-Amz-User-Agent": "aws-amplify/6.22.1 framework/0", "Content-Type": "application/json"}
		benchVerify(b, benchRequest(b, "GET", inappmessages, nil, SigningHost("us-east-1"), h), nil)
	})
	b.Run("PutEvents-2KiB", func(b *testing.B) {
		body := bytes.Repeat([]byte("x"), 2048)
		h := map[string]string{"Content-Type": "application/json"}
		for k, v := range sdkHeaders {
			h[k] = v
		}
		benchVerify(b, benchRequest(b, "POST", "/v1/apps/"+testApp+"/events", body, "", h), body)
	})
	b.Run("TagResource-ARN", func(b *testing.B) {
		benchVerify(b, benchRequest(b, "DELETE", arnPath+"?tagKeys=a&tagKeys=b", nil, "", sdkHeaders), nil)
	})
	b.Run("GetInAppMessages/parallel", func(b *testing.B) {
		r := benchRequest(b, "GET", inappmessages, nil, "", sdkHeaders)
		v := newVerifier(newKeys())
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := v.Verify(r, nil); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("GetInAppMessages/parallel-many-keys", func(b *testing.B) {
		// Many client keys in use at once: each has its own signer, so the
		// signer's derived-key cache is not shared between them.
		keys := newKeys()
		var reqs []*http.Request
		for i := range 64 {
			id := "AKIABENCH" + string(rune('A'+i/26)) + string(rune('A'+i%26))
			keys.set(&inapp.AccessKey{ID: id, Secret: testSecret + id, AppID: testApp})
			r := httptest.NewRequest("GET", "http://127.0.0.1:8080"+inappmessages, nil)
			creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: testSecret + id}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hashHex(nil), Service, "us-east-1", testNow); err != nil {
				b.Fatal(err)
			}
			reqs = append(reqs, r)
		}
		v := newVerifier(keys)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if _, err := v.Verify(reqs[i%len(reqs)], nil); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}
