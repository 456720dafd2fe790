// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";
import {IIdentityRegistry} from "../../interfaces/erc3643/IIdentityRegistry.sol";
import {ITrustedIssuersRegistry} from "../../interfaces/erc3643/ITrustedIssuersRegistry.sol";
import {IIdentity} from "../../interfaces/onchainid/IIdentity.sol";
import {IClaimIssuer} from "../../interfaces/onchainid/IClaimIssuer.sol";

/// @title Identity claim expression: the recipient's identity must satisfy a boolean
/// expression over claim topics, e.g. (KYC AND (ACCREDITED OR QIB)) AND NOT SANCTIONED.
/// @dev The expression is stored in postfix (reverse Polish) form: TOPIC nodes push
/// "has a valid claim for topic from an issuer trusted for it", AND/OR pop two and push
/// the result, NOT negates the top. A topic is held when a trusted issuer for it
/// (identity registry -> trusted issuers registry) issued a claim on the identity
/// that the issuer still reports valid (signature, revocation, expiry are the issuer's).
contract IdentityClaimExpressionModule is ComplianceModuleBase {
    enum NodeKind {
        TOPIC,
        AND,
        OR,
        NOT
    }

    struct Node {
        NodeKind kind;
        uint256 topic;
    }

    uint256 public constant MAX_NODES = 32;

    error InvalidExpression();
    error ClaimExpressionNotSatisfied(address recipient, address identity);

    event ExpressionSet(address indexed engine, Node[] expression);

    mapping(bytes32 scope => Node[]) private _expression;

    function hooks() external pure returns (uint8) {
        return 0;
    }

    function name() external pure returns (string memory) {
        return "IdentityClaimExpression";
    }

    /// @notice Sets the postfix expression; it must reduce to exactly one value.
    function setExpression(Node[] calldata expr) external onlyEngine {
        if (expr.length == 0 || expr.length > MAX_NODES) revert InvalidExpression();
        int256 depth = 0;
        for (uint256 i = 0; i < expr.length; ++i) {
            NodeKind k = expr[i].kind;
            if (k == NodeKind.TOPIC) depth += 1;
            else if (k == NodeKind.NOT) {
                if (depth < 1) revert InvalidExpression();
            } else {
                if (depth < 2) revert InvalidExpression();
                depth -= 1;
            }
        }
        if (depth != 1) revert InvalidExpression();
        Node[] storage stored = _expression[_scope(msg.sender)];
        while (stored.length != 0) stored.pop();
        for (uint256 i = 0; i < expr.length; ++i) {
            stored.push(expr[i]);
        }
        emit ExpressionSet(msg.sender, expr);
    }

    function expression(address engine) external view returns (Node[] memory) {
        return _expression[_scope(engine)];
    }

    function checkTransfer(address token, address, address to, uint256) external view {
        Node[] storage expr = _expression[_scope(msg.sender)];
        if (expr.length == 0) revert InvalidExpression();
        IIdentityRegistry ir = _identityRegistry(token);
        IIdentity id = ir.identity(to);
        if (!evaluate(expr, ir.issuersRegistry(), id)) revert ClaimExpressionNotSatisfied(to, address(id));
    }

    function evaluate(Node[] storage expr, ITrustedIssuersRegistry issuers, IIdentity id)
        internal
        view
        returns (bool)
    {
        bool[] memory stack = new bool[](expr.length);
        uint256 sp = 0;
        for (uint256 i = 0; i < expr.length; ++i) {
            Node storage node = expr[i];
            if (node.kind == NodeKind.TOPIC) {
                stack[sp++] = hasValidClaim(issuers, id, node.topic);
            } else if (node.kind == NodeKind.NOT) {
                stack[sp - 1] = !stack[sp - 1];
            } else if (node.kind == NodeKind.AND) {
                --sp;
                stack[sp - 1] = stack[sp - 1] && stack[sp];
            } else {
                --sp;
                stack[sp - 1] = stack[sp - 1] || stack[sp];
            }
        }
        return stack[0];
    }

    function hasValidClaim(ITrustedIssuersRegistry issuers, IIdentity id, uint256 topic)
        public
        view
        returns (bool)
    {
        if (address(id) == address(0) || address(issuers) == address(0)) return false;
        IClaimIssuer[] memory trusted = issuers.getTrustedIssuersForClaimTopic(topic);
        for (uint256 i = 0; i < trusted.length; ++i) {
            bytes32 claimId = keccak256(abi.encode(address(trusted[i]), topic));
            try id.getClaim(claimId) returns (
                uint256 claimTopic, uint256, address issuer, bytes memory sig, bytes memory data, string memory
            ) {
                if (claimTopic != topic || issuer != address(trusted[i])) continue;
                try trusted[i].isClaimValid(id, topic, sig, data) returns (bool valid) {
                    if (valid) return true;
                } catch {}
            } catch {}
        }
        return false;
    }
}
