// A stand-in for a WordPress site's REST API (/wp-json/wp/v2) as mcp-wordpress calls it: application
// passwords over Basic auth (spaces in the password ignored, as WordPress does), WordPress's error body
// `{ code, message, data: { status } }`, and the post object of `context=edit`. `failAfterCreate` makes
// the next post creation store the post and then fail: with WordPress's "critical error" 500 (a plugin's
// save_post hook dying) or by dropping the connection (a proxy or PHP-FPM restart).
import { basicCredentials, startHttpStandin, type HttpStandin, type StandinReply, type StandinRequest } from "@/lib/testing/remote-standins/http-standin";

export type WordPressPost = {
  id: number;
  date: string;
  date_gmt: string;
  guid: { rendered: string };
  modified: string;
  modified_gmt: string;
  slug: string;
  status: string;
  type: "post";
  link: string;
  title: { raw: string; rendered: string };
  content: { raw: string; rendered: string; protected: false; block_version: number };
  excerpt: { raw: string; rendered: string; protected: false };
  author: number;
  featured_media: number;
  comment_status: string;
  ping_status: string;
  sticky: boolean;
  template: string;
  format: string;
  meta: unknown[];
  categories: number[];
  tags: number[];
};

export type WordPressStandin = HttpStandin & {
  readonly posts: WordPressPost[];
  /** the next POST /posts stores the post, then fails this way (once) */
  failAfterCreate: "critical-error" | "reset" | null;
};

const POST_STATUSES = ["publish", "future", "draft", "pending", "private"];

const wpError = (status: number, code: string, message: string, data: Record<string, unknown> = {}): StandinReply => ({ status, body: { code, message, data: { status, ...data } } });

// what WordPress answers when PHP dies during the request (WP_Fatal_Error_Handler, REST flavour)
const CRITICAL_ERROR: StandinReply = {
  status: 500,
  body: {
    code: "internal_server_error",
    message: '<p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>',
    data: { status: 500 },
    additional_errors: [],
  },
};

function slugify(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/<[^>]*>/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 190) || "post"
  );
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export async function startWordPressStandin(options: { user: string; appPassword: string }): Promise<WordPressStandin> {
  const posts: WordPressPost[] = [];
  let nextId = 101;
  const state = { failAfterCreate: null as WordPressStandin["failAfterCreate"] };
  let site = "";

  const authorized = (req: StandinRequest) => {
    const creds = basicCredentials(req.headers);
    return creds !== null && creds.user === options.user && creds.password.replace(/\s+/g, "") === options.appPassword.replace(/\s+/g, "");
  };

  const createPost = (req: StandinRequest): StandinReply => {
    if (!authorized(req)) return wpError(401, "rest_cannot_create", "Sorry, you are not allowed to create posts as this user.");
    const body = (req.body ?? {}) as Record<string, unknown>;
    const status = typeof body.status === "string" ? body.status : "draft";
    if (!POST_STATUSES.includes(status)) return wpError(400, "rest_invalid_param", "Invalid parameter(s): status", { params: { status: `status is not one of ${POST_STATUSES.join(", ")}.` } });
    const title = typeof body.title === "string" ? body.title : "";
    const content = typeof body.content === "string" ? body.content : "";
    if (!title && !content) return wpError(400, "empty_content", "Content, title, and excerpt are empty.");
    const id = nextId++;
    const now = new Date().toISOString().slice(0, 19);
    const slug = status === "publish" ? slugify(title) : "";
    const post: WordPressPost = {
      id,
      date: now,
      date_gmt: now,
      guid: { rendered: `${site}/?p=${id}` },
      modified: now,
      modified_gmt: now,
      slug,
      status,
      type: "post",
      link: status === "publish" ? `${site}/${slug}/` : `${site}/?p=${id}`,
      title: { raw: title, rendered: escapeHtml(title) },
      content: { raw: content, rendered: content ? `<p>${content}</p>\n` : "", protected: false, block_version: 0 },
      excerpt: { raw: "", rendered: "", protected: false },
      author: 1,
      featured_media: 0,
      comment_status: "open",
      ping_status: "open",
      sticky: false,
      template: "",
      format: "standard",
      meta: [],
      categories: Array.isArray(body.categories) ? (body.categories as number[]) : [1],
      tags: Array.isArray(body.tags) ? (body.tags as number[]) : [],
    };
    posts.push(post);
    const fault = state.failAfterCreate;
    state.failAfterCreate = null;
    if (fault === "critical-error") return CRITICAL_ERROR;
    if (fault === "reset") return "reset";
    return { status: 201, body: post, headers: { location: `${site}/wp-json/wp/v2/posts/${id}` } };
  };

  const standin = await startHttpStandin((req) => {
    // mcp-wordpress falls back to ?rest_route= when pretty permalinks answer 404; this site has them
    if (!req.path.startsWith("/wp-json/")) return { status: 404, body: "<html><body><h1>Not Found</h1></body></html>" };
    const route = req.path.slice("/wp-json".length).replace(/\/+$/, "") || "/";
    if (route === "/" || route === "/wp/v2") {
      return { status: 200, body: { namespace: "wp/v2", routes: { "/wp/v2/posts": { namespace: "wp/v2", methods: ["GET", "POST"] }, "/wp/v2/users/me": { namespace: "wp/v2", methods: ["GET"] } } } };
    }
    if (route === "/wp/v2/users/me") {
      if (!authorized(req)) return wpError(401, "rest_not_logged_in", "You are not currently logged in.");
      return { status: 200, body: { id: 1, name: options.user, url: "", description: "", link: `${site}/author/${options.user}/`, slug: options.user, avatar_urls: {}, meta: [] } };
    }
    if (route === "/wp/v2/posts") {
      if (req.method === "POST") return createPost(req);
      if (req.method !== "GET") return wpError(404, "rest_no_route", "No route was found matching the URL and request method.");
      const visible = authorized(req) ? posts : posts.filter((p) => p.status === "publish");
      const search = req.query.get("search")?.toLowerCase();
      const items = search ? visible.filter((p) => p.title.raw.toLowerCase().includes(search)) : visible;
      return { status: 200, body: [...items].reverse(), headers: { "x-wp-total": String(items.length), "x-wp-totalpages": "1" } };
    }
    const one = /^\/wp\/v2\/posts\/(\d+)$/.exec(route);
    if (one && req.method === "GET") {
      const post = posts.find((p) => p.id === Number(one[1]));
      if (!post || (post.status !== "publish" && !authorized(req))) return wpError(404, "rest_post_invalid_id", "Invalid post ID.");
      return { status: 200, body: post };
    }
    return wpError(404, "rest_no_route", "No route was found matching the URL and request method.");
  });
  site = standin.url;
  return {
    url: standin.url,
    requests: standin.requests,
    close: standin.close,
    posts,
    get failAfterCreate() {
      return state.failAfterCreate;
    },
    set failAfterCreate(value: WordPressStandin["failAfterCreate"]) {
      state.failAfterCreate = value;
    },
  };
}
