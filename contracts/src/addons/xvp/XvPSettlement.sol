// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {AssetCompliance} from "../common/AssetCompliance.sol";

/// @title XvPSettlement — atomic settlement of several asset legs (delivery/payment
/// versus payment), one contract per settlement.
/// @notice Each local sender approves, which escrows its net outgoing amount per asset,
/// so execution cannot fail for lack of funds. Execution pays every party its net
/// incoming amount from escrow, all legs or none. A sender may revoke (escrow returned)
/// until execution; the senders cancel by unanimous vote; after cancel or the cutoff,
/// escrow is withdrawable. Legs on another chain (externalChainId != 0) are settled
/// there; the local legs then execute only with the secret behind the hashlock (HTLC),
/// which the execution reveals in its event for the other chain.
/// Compliance: every local leg is checked (from -> to) when its sender approves and
/// again at execution; the token enforces its own rules on every actual movement.
contract XvPSettlement is ReentrancyGuard {
    using SafeERC20 for IERC20;

    struct Leg {
        address asset;
        address from;
        address to;
        uint256 amount;
        /// @dev 0 for a leg on this chain.
        uint256 externalChainId;
    }

    /// @dev A net movement of one asset for one party (into or out of escrow).
    struct Flow {
        address asset;
        address party;
        uint256 amount;
    }

    enum Status {
        Open,
        Executed,
        Cancelled
    }

    uint256 public constant MAX_LEGS = 16;

    error NoLegs();
    error TooManyLegs(uint256 count, uint256 max);
    error InvalidLeg(uint256 index);
    error CutoffInPast(uint256 cutoff);
    error HashlockRequired();
    error NotOpen(Status status);
    error SettlementExpired(uint256 cutoff);
    error SettlementNotExpired(uint256 cutoff);
    error NotASender(address account);
    error AlreadyApproved(address sender);
    error NotApproved(address sender);
    error NotFullyApproved(uint256 approvals, uint256 required);
    error InvalidSecret();
    error LegNotCompliant(uint256 index);
    error AlreadyVotedCancel(address sender);
    error NothingToWithdraw(address party);

    event SettlementCreated(address indexed creator, uint256 cutoff, bool autoExecute, bytes32 hashlock, uint256 legs);
    event SettlementApproved(address indexed sender, uint256 approvals, uint256 required);
    event ApprovalRevoked(address indexed sender);
    event EscrowDeposited(address indexed party, address indexed asset, uint256 amount);
    event EscrowReturned(address indexed party, address indexed asset, uint256 amount);
    event LegPaid(address indexed party, address indexed asset, uint256 amount);
    event SettlementExecuted(address indexed executor, bytes32 secret);
    event CancelVoted(address indexed sender, uint256 votes, uint256 required);
    event SettlementCancelled();

    uint256 public immutable cutoff;
    bool public immutable autoExecute;
    bytes32 public immutable hashlock;

    Status public status;
    uint256 public approvalCount;
    uint256 public cancelVoteCount;

    Leg[] private _legs;
    address[] private _senders;
    Flow[] private _deposits;
    Flow[] private _payouts;

    mapping(address account => bool) public isSender;
    mapping(address sender => bool) public approved;
    mapping(address sender => bool) public votedCancel;
    mapping(address party => mapping(address asset => uint256)) public escrowOf;
    mapping(address asset => uint256) public totalDeposited;
    mapping(address asset => uint256) public totalSettled;
    mapping(address asset => uint256) public totalReturned;

    modifier onlyOpen() {
        if (status != Status.Open) revert NotOpen(status);
        _;
    }

    /// @param hashlock_ keccak256 of the secret; required when a leg is external, optional otherwise.
    constructor(Leg[] memory legs_, uint256 cutoff_, bool autoExecute_, bytes32 hashlock_, address creator) {
        uint256 n = legs_.length;
        if (n == 0) revert NoLegs();
        if (n > MAX_LEGS) revert TooManyLegs(n, MAX_LEGS);
        if (cutoff_ <= block.timestamp) revert CutoffInPast(cutoff_);
        cutoff = cutoff_;
        autoExecute = autoExecute_;
        hashlock = hashlock_;

        // Net position per (party, asset) over the local legs.
        address[] memory parties = new address[](2 * n);
        address[] memory assets = new address[](2 * n);
        int256[] memory nets = new int256[](2 * n);
        uint256 pairs;
        bool external_;
        for (uint256 i = 0; i < n; ++i) {
            Leg memory leg = legs_[i];
            if (
                leg.asset == address(0) || leg.from == address(0) || leg.to == address(0) || leg.from == leg.to
                    || leg.amount == 0 || leg.amount > uint256(type(int256).max)
            ) revert InvalidLeg(i);
            _legs.push(leg);
            if (leg.externalChainId != 0) {
                external_ = true;
                continue;
            }
            if (!isSender[leg.from]) {
                isSender[leg.from] = true;
                _senders.push(leg.from);
            }
            pairs = _addNet(parties, assets, nets, pairs, leg.from, leg.asset, -int256(leg.amount));
            pairs = _addNet(parties, assets, nets, pairs, leg.to, leg.asset, int256(leg.amount));
        }
        if (external_ && hashlock_ == bytes32(0)) revert HashlockRequired();
        for (uint256 k = 0; k < pairs; ++k) {
            if (nets[k] < 0) _deposits.push(Flow(assets[k], parties[k], uint256(-nets[k])));
            else if (nets[k] > 0) _payouts.push(Flow(assets[k], parties[k], uint256(nets[k])));
        }
        emit SettlementCreated(creator, cutoff_, autoExecute_, hashlock_, n);
    }

    // ---------------------------------------------------------------- approvals

    /// @notice Approves this sender's legs and escrows its net outgoing amounts (the
    /// sender must have given this contract the allowances first).
    function approve() external nonReentrant onlyOpen {
        if (block.timestamp > cutoff) revert SettlementExpired(cutoff);
        if (!isSender[msg.sender]) revert NotASender(msg.sender);
        if (approved[msg.sender]) revert AlreadyApproved(msg.sender);
        _checkLegs(msg.sender);

        approved[msg.sender] = true;
        uint256 count = ++approvalCount;
        uint256 required = _senders.length;
        emit SettlementApproved(msg.sender, count, required);

        uint256 d = _deposits.length;
        for (uint256 k = 0; k < d; ++k) {
            Flow memory f = _deposits[k];
            if (f.party != msg.sender) continue;
            escrowOf[msg.sender][f.asset] += f.amount;
            totalDeposited[f.asset] += f.amount;
            emit EscrowDeposited(msg.sender, f.asset, f.amount);
            IERC20(f.asset).safeTransferFrom(msg.sender, address(this), f.amount);
        }

        if (autoExecute && count == required && hashlock == bytes32(0)) _execute(bytes32(0));
    }

    /// @notice Withdraws this sender's approval before execution; its escrow comes back.
    function revokeApproval() external nonReentrant onlyOpen {
        if (!approved[msg.sender]) revert NotApproved(msg.sender);
        approved[msg.sender] = false;
        --approvalCount;
        emit ApprovalRevoked(msg.sender);
        _returnEscrow(msg.sender);
    }

    // ---------------------------------------------------------------- execution

    /// @notice Settles every local leg, or none. `secret` is ignored without a hashlock.
    function execute(bytes32 secret) external nonReentrant onlyOpen {
        if (block.timestamp > cutoff) revert SettlementExpired(cutoff);
        uint256 required = _senders.length;
        if (approvalCount != required) revert NotFullyApproved(approvalCount, required);
        if (hashlock != bytes32(0) && keccak256(abi.encodePacked(secret)) != hashlock) revert InvalidSecret();
        _execute(secret);
    }

    function _execute(bytes32 secret) private {
        uint256 n = _legs.length;
        for (uint256 i = 0; i < n; ++i) {
            Leg storage leg = _legs[i];
            if (leg.externalChainId != 0) continue;
            if (!AssetCompliance.isAllowed(leg.asset, leg.from, leg.to, leg.amount)) revert LegNotCompliant(i);
        }
        status = Status.Executed;
        uint256 d = _deposits.length;
        for (uint256 k = 0; k < d; ++k) {
            Flow memory f = _deposits[k];
            escrowOf[f.party][f.asset] = 0;
            totalSettled[f.asset] += f.amount;
        }
        emit SettlementExecuted(msg.sender, secret);
        uint256 p = _payouts.length;
        for (uint256 k = 0; k < p; ++k) {
            Flow memory f = _payouts[k];
            emit LegPaid(f.party, f.asset, f.amount);
            IERC20(f.asset).safeTransfer(f.party, f.amount);
        }
    }

    // ---------------------------------------------------------------- cancel and expiry

    /// @notice One sender's vote to cancel; the last vote cancels the settlement.
    function voteCancel() external nonReentrant onlyOpen {
        if (!isSender[msg.sender]) revert NotASender(msg.sender);
        if (votedCancel[msg.sender]) revert AlreadyVotedCancel(msg.sender);
        votedCancel[msg.sender] = true;
        uint256 votes = ++cancelVoteCount;
        uint256 required = _senders.length;
        emit CancelVoted(msg.sender, votes, required);
        if (votes == required) {
            status = Status.Cancelled;
            emit SettlementCancelled();
        }
    }

    /// @notice After cancel or the cutoff, returns `party`'s escrow to it (anyone may call).
    function withdrawEscrow(address party) external nonReentrant {
        if (status == Status.Executed) revert NotOpen(status);
        if (status == Status.Open && block.timestamp <= cutoff) revert SettlementNotExpired(cutoff);
        if (!_returnEscrow(party)) revert NothingToWithdraw(party);
    }

    // ---------------------------------------------------------------- views

    function legs() external view returns (Leg[] memory) {
        return _legs;
    }

    function senders() external view returns (address[] memory) {
        return _senders;
    }

    function deposits() external view returns (Flow[] memory) {
        return _deposits;
    }

    function payouts() external view returns (Flow[] memory) {
        return _payouts;
    }

    function isExpired() external view returns (bool) {
        return block.timestamp > cutoff;
    }

    function isFullyApproved() external view returns (bool) {
        return approvalCount == _senders.length;
    }

    // ---------------------------------------------------------------- internals

    function _checkLegs(address sender) private view {
        uint256 n = _legs.length;
        for (uint256 i = 0; i < n; ++i) {
            Leg storage leg = _legs[i];
            if (leg.externalChainId != 0 || leg.from != sender) continue;
            if (!AssetCompliance.isAllowed(leg.asset, leg.from, leg.to, leg.amount)) revert LegNotCompliant(i);
        }
    }

    function _returnEscrow(address party) private returns (bool any) {
        uint256 d = _deposits.length;
        for (uint256 k = 0; k < d; ++k) {
            Flow memory f = _deposits[k];
            if (f.party != party) continue;
            uint256 amount = escrowOf[party][f.asset];
            if (amount == 0) continue;
            any = true;
            escrowOf[party][f.asset] = 0;
            totalReturned[f.asset] += amount;
            emit EscrowReturned(party, f.asset, amount);
            IERC20(f.asset).safeTransfer(party, amount);
        }
    }

    function _addNet(
        address[] memory parties,
        address[] memory assets,
        int256[] memory nets,
        uint256 pairs,
        address party,
        address asset,
        int256 delta
    ) private pure returns (uint256) {
        for (uint256 k = 0; k < pairs; ++k) {
            if (parties[k] == party && assets[k] == asset) {
                nets[k] += delta;
                return pairs;
            }
        }
        parties[pairs] = party;
        assets[pairs] = asset;
        nets[pairs] = delta;
        return pairs + 1;
    }
}
