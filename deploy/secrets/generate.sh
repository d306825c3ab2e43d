#!/bin/sh
# Creates the secret files docker-compose.yml mounts, when they are missing (never overwrites):
#   jwt_private_key.pem  roster's JWT signing key (Ed25519, PKCS#8 PEM: tokens are EdDSA); the other services
#                        fetch the public half from roster's JWKS
#   s3_secret_key        MinIO's root password, which the services use as their S3 secret key
#   signing_secret       the HMAC key the services sign links with (TUCAI_SIGNING_SECRET)
# Usage: deploy/secrets/generate.sh [directory]   (default: the directory of this script). Needs openssl 1.1.1+.
# The directory is made private (0700); the files inside are 0644 because they are bind-mounted into
# containers whose user (uid 10001) does not own them.
set -eu

dir="${1:-$(dirname "$0")}"
mkdir -p "$dir"
chmod 700 "$dir"
umask 077

key="$dir/jwt_private_key.pem"
if [ ! -s "$key" ]; then
    openssl genpkey -algorithm ed25519 -out "$key"
    echo "created $key"
fi

# Random hex, no trailing newline (MinIO wants at least 8 characters)
for name in s3_secret_key signing_secret; do
    if [ ! -s "$dir/$name" ]; then
        openssl rand -hex 32 | tr -d '\n' >"$dir/$name"
        echo "created $dir/$name"
    fi
done

chmod 644 "$key" "$dir/s3_secret_key" "$dir/signing_secret"
