# PrairieLearn external-grading image for the autoencoders grader.
# Build from the repository root:
#   docker build -f grader/platforms/templates/prairielearn.Dockerfile \
#       -t YOUR_DOCKERHUB_USER/autoencoders-grader .
# and push it where PrairieLearn can pull it (the course's image sync).
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/grader
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY grader ./grader
COPY 0-vanilla.py 1-sparse.py 2-convolutional.py 3-variational.py ./
RUN cp grader/platforms/templates/prairielearn.sh ./prairielearn.sh \
    && chmod 755 prairielearn.sh *.py
# The reference once, at build time, in both modes the entry point uses
# (grading and the reconstruction images), so gradings start warm.
RUN GRADER_CACHE_DIR=/opt/grader/.grader-cache TF_CPP_MIN_LOG_LEVEL=3 \
    GRADER_KEEP_WARM=0 \
    python -m grader /opt/grader --format prairielearn \
    --json /tmp/reference.json; test -s /tmp/reference.json \
    && chmod -R a+rX /opt/grader
