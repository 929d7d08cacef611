# Production image of the dialer server (GraphQL API, dialer engine, web app).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=4000
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 4000
# a larger young generation: thousands of wallboard pushes a second are short-lived garbage (README, "Scale, measured")
CMD ["node", "--max-semi-space-size=32", "server/dist/main.js"]
