/* The block's editor side without a build step: the server renders it (ServerSideRender), and the
   sidebar sets where the visitor goes after logging in. */
(function (wp) {
  "use strict";
  var el = wp.element.createElement;
  var __ = wp.i18n.__;
  wp.blocks.registerBlockType("loginbycall/login", {
    edit: function (props) {
      var Inspector = wp.blockEditor.InspectorControls;
      return el(
        "div",
        wp.blockEditor.useBlockProps ? wp.blockEditor.useBlockProps() : {},
        el(
          Inspector,
          null,
          el(
            wp.components.PanelBody,
            { title: __("After logging in", "loginbycall") },
            el(wp.components.TextControl, {
              label: __("Go to (a URL on this site; empty: this page)", "loginbycall"),
              value: props.attributes.redirect,
              onChange: function (value) {
                props.setAttributes({ redirect: value });
              },
            })
          )
        ),
        el(wp.serverSideRender, { block: "loginbycall/login", attributes: props.attributes })
      );
    },
    save: function () {
      return null;
    },
  });
})(window.wp);
